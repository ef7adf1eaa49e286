import CMicroHTTPD

// libmicrohttpd's C callbacks. They live here, not in an executable's main.swift, because
// closures there are main-actor isolated and crash when called on libmicrohttpd's threads.

let mhdAccessHandler: MHD_AccessHandlerCallback = {
    context, connection, url, method, _, upload, uploadSize, state in
    guard let context, let connection, let uploadSize, let state else { return .NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
    let ok = server.access(
        connection, url: url.map { String(cString: $0) } ?? "/",
        method: method.map { String(cString: $0) } ?? "GET", upload: upload,
        uploadSize: uploadSize, state: state)
    return ok ? .YES : .NO
}

let mhdCompletedHandler: MHD_RequestCompletedCallback = { context, _, state, _ in
    guard let context else { return }
    Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue().completed(state)
}

let mhdHeaderCollector: MHD_KeyValueIterator = { context, _, key, value in
    guard let context, let key else { return .YES }
    let box = Unmanaged<HeadersBox>.fromOpaque(context).takeUnretainedValue()
    box.headers.append(lowercasedName: String(asciiLowercasing: key), value: value.map { String(cString: $0) } ?? "")
    return .YES
}

let mhdValueIterator: MHD_KeyValueIterator = { context, _, key, value in
    guard let context, let key else { return .YES }
    let box = Unmanaged<ValuesBox>.fromOpaque(context).takeUnretainedValue()
    box.values[String(cString: key)] = value.map { String(cString: $0) } ?? ""
    return .YES
}

/// An event stream's body, read as the socket takes it (see `EventStream.read`).
let mhdStreamReader: MHD_ContentReaderCallback = { context, _, buffer, max in
    guard let context, let buffer else { return Int(gh_end_of_stream()) }
    return Unmanaged<EventStream>.fromOpaque(context).takeUnretainedValue().read(into: buffer, max: max)
}

/// The stream's response is done: the retain taken for libmicrohttpd is given back.
let mhdStreamReleased: MHD_ContentReaderFreeCallback = { context in
    guard let context else { return }
    let stream = Unmanaged<EventStream>.fromOpaque(context)
    stream.takeUnretainedValue().released()
    stream.release()
}
