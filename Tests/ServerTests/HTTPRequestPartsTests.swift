import CMicroHTTPD
import Foundation
import Testing

@testable import HTTPServer

/// The pieces of a request and response the server copies in and out of C by hand.
@Suite struct HTTPRequestPartsTests {
    /// The peer's address is formatted without `inet_ntop`; it must agree with it, byte for byte,
    /// at every digit-count boundary (login throttling and trusted proxies compare this text).
    @Test func peerAddressesAreWrittenAsInetNtopWritesThem() {
        let values: [UInt8] = [0, 1, 9, 10, 11, 99, 100, 101, 109, 110, 199, 200, 249, 250, 255]
        for a in values {
            for b in [values[0], values[5], values[8], values[14]] {
                let bytes: [UInt8] = [a, b, values[(Int(a) + 3) % values.count], values[Int(b) % values.count]]
                var ours = [CChar](repeating: 1, count: 16)
                bytes.withUnsafeBufferPointer { gh_format_ipv4($0.baseAddress!, &ours) }
                var theirs = [CChar](repeating: 0, count: 16)
                bytes.withUnsafeBytes { _ = inet_ntop(AF_INET, $0.baseAddress!, &theirs, 16) }
                #expect(String(cString: ours) == String(cString: theirs), "\(bytes)")
            }
        }
    }

    /// Each response header reaches libmicrohttpd as it went in, and a NUL inside a value ends
    /// that value without shifting the pairs after it. (libmicrohttpd refuses a header with an
    /// empty value; the ones after it are still added.)
    @Test func responseHeadersReachLibmicrohttpdPairByPair() throws {
        let headers = [
            ("Content-Type", "application/json"), ("X-Empty", ""), ("X-Odd", "a\u{0}b"), ("X-Long", String(repeating: "中", count: 40)),
            ("Cache-Control", "no-store"),
        ]
        let body: [UInt8] = Array("{}".utf8)
        let response = try #require(body.withUnsafeBytes { gh_response_copying($0.baseAddress, $0.count) })
        defer { MHD_destroy_response(response) }
        HTTPServer.addHeaders(headers, to: response)
        final class Pairs { var all: [String] = [] }
        let pairs = Pairs()
        _ = MHD_get_response_headers(response, { context, _, name, value in
            let pairs = Unmanaged<Pairs>.fromOpaque(context!).takeUnretainedValue()
            pairs.all.append("\(String(cString: name!))=\(String(cString: value!))")
            return .YES
        }, Unmanaged.passUnretained(pairs).toOpaque())
        #expect(pairs.all == [
            "Content-Type=application/json", "X-Odd=a", "X-Long=" + String(repeating: "中", count: 40), "Cache-Control=no-store",
        ])
    }

    /// Names compare without case either way round, and a repeated name answers its last value.
    @Test func headerLookupsIgnoreCaseAndKeepTheLastValue() {
        var headers = HTTPHeaders()
        headers.append(lowercasedName: "accept", value: "text/html")
        headers.append(lowercasedName: "x-request-id", value: "first")
        headers.append(lowercasedName: "x-request-id", value: "second")
        #expect(headers["accept"] == "text/html")
        #expect(headers["Accept"] == "text/html")
        #expect(headers["X-Request-ID"] == "second")
        #expect(headers["cookie"] == nil && headers["Cookie"] == nil)
        let given = HTTPRequest(method: "GET", path: "/", headers: ["Content-Type": "text/plain"])
        #expect(given.header("content-type") == "text/plain" && given.header("CONTENT-TYPE") == "text/plain")
    }

    /// The `Bearer ` scheme is recognised in place, in any case, and nothing shorter or
    /// different passes for it; a name with capitals is still found by its lower-case field.
    @Test func prefixesAndCapitalsAreReadInPlace() {
        #expect("BeArEr abc".hasASCIIPrefixIgnoringCase("bearer "))
        #expect("bearer ".hasASCIIPrefixIgnoringCase("bearer "))
        #expect(!"Bearer".hasASCIIPrefixIgnoringCase("bearer "))
        #expect(!"Bearer\tabc".hasASCIIPrefixIgnoringCase("bearer "))
        #expect(!"Basic abc".hasASCIIPrefixIgnoringCase("bearer "))
        #expect(!"Béarer abc".hasASCIIPrefixIgnoringCase("bearer "))
        #expect("X-Real-IP".hasASCIIUpper && !"x-real-ip".hasASCIIUpper && !"中文".hasASCIIUpper)
        var headers = HTTPHeaders()
        headers.append(lowercasedName: "x-real-ip", value: "10.0.0.1")
        #expect(headers["X-Real-IP"] == "10.0.0.1" && headers["x-real-ip"] == "10.0.0.1" && headers["x-forwarded-for"] == nil)
    }

    /// Two lengths that differ only in surrounding blanks are one length; any other pair, or a
    /// length beside `Transfer-Encoding`, is refused.
    @Test func framingIsAmbiguousOnlyWhenItCanBeReadTwoWays() {
        func framing(_ fields: [(String, String)]) -> String? {
            var headers = HTTPHeaders()
            for (name, value) in fields { headers.append(lowercasedName: name, value: value) }
            return HTTPServer.ambiguousFraming(headers)
        }
        #expect(framing([("content-length", "5")]) == nil)
        #expect(framing([("content-length", "5"), ("content-length", " 5\t")]) == nil)
        #expect(framing([("content-length", "5"), ("content-length", "6")]) == "Conflicting Content-Length headers.")
        #expect(framing([("content-length", "5"), ("transfer-encoding", "chunked")]) == "Content-Length and Transfer-Encoding together.")
        #expect(framing([("transfer-encoding", "chunked")]) == nil)
    }
}
