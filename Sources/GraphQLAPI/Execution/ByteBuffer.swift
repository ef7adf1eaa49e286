/// Growable bytes for writing a response: what `JSONBytes` appends to.
///
/// `[UInt8]`'s `append(contentsOf:)` went through its generic path (uniqueness, capacity and a
/// copy loop chosen at run time) for every key and punctuation run, about a hundred
/// instructions each, and a page of twenty customers makes over a hundred of them. Here an
/// append is a capacity check and a copy; text is escaped straight into reserved room
/// (`room(_:)` then `commit(_:)`). Copy-on-write like an array, so a copied writer never sees
/// the other's bytes.
struct ByteBuffer {
    private struct Header {
        var count: Int
        var capacity: Int
    }

    private var storage: ManagedBuffer<Header, UInt8>

    init(capacity: Int = 1024) {
        storage = Self.make(capacity: Swift.max(capacity, 16), copying: nil)
    }

    @inline(__always)
    var count: Int { storage.withUnsafeMutablePointerToHeader { $0.pointee.count } }

    /// The bytes as an array (one copy, when the response is done).
    var array: [UInt8] { withUnsafeBytes { Array($0) } }

    func withUnsafeBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try storage.withUnsafeMutablePointers { header, bytes in
            try body(UnsafeBufferPointer(start: bytes, count: header.pointee.count))
        }
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        room(1).pointee = byte
        commit(1)
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        room(bytes.count).update(from: source, count: bytes.count)
        commit(bytes.count)
    }

    @inline(__always)
    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// Drops everything after the first `count` bytes.
    mutating func truncate(to count: Int) {
        precondition(count >= 0 && count <= self.count, "truncating past the end")
        unshare()
        storage.withUnsafeMutablePointerToHeader { $0.pointee.count = count }
    }

    /// Where the next `extra` bytes go, with room for them; they count once `commit` says so.
    @inline(__always)
    mutating func room(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        let (count, capacity) = storage.withUnsafeMutablePointerToHeader { ($0.pointee.count, $0.pointee.capacity) }
        if extra > capacity - count || !isKnownUniquelyReferenced(&storage) { grow(count + extra) }
        return storage.withUnsafeMutablePointers { header, bytes in bytes + header.pointee.count }
    }

    @inline(never)
    private mutating func grow(_ needed: Int) {
        let capacity = storage.withUnsafeMutablePointerToHeader { $0.pointee.capacity }
        storage = Self.make(capacity: Swift.max(capacity * 2, needed), copying: storage)
    }

    /// The first `written` bytes of the room last asked for now count.
    @inline(__always)
    mutating func commit(_ written: Int) {
        storage.withUnsafeMutablePointerToHeader { $0.pointee.count += written }
    }

    private mutating func unshare() {
        if !isKnownUniquelyReferenced(&storage) {
            let capacity = storage.withUnsafeMutablePointerToHeader { $0.pointee.capacity }
            storage = Self.make(capacity: capacity, copying: storage)
        }
    }

    private static func make(capacity: Int, copying old: ManagedBuffer<Header, UInt8>?) -> ManagedBuffer<Header, UInt8> {
        let made = ManagedBuffer<Header, UInt8>.create(minimumCapacity: capacity) { _ in Header(count: 0, capacity: capacity) }
        guard let old else { return made }
        old.withUnsafeMutablePointers { oldHeader, oldBytes in
            made.withUnsafeMutablePointers { header, bytes in
                bytes.initialize(from: oldBytes, count: oldHeader.pointee.count)
                header.pointee.count = oldHeader.pointee.count
            }
        }
        return made
    }
}
