/// An IP address as bytes (4 for IPv4, 16 for IPv6), and whether it lies in the public internet.
///
/// A webhook is an outgoing request whose target an administrator (or a stolen admin session)
/// chooses: pointed at loopback, the cloud metadata service or the office network, it would
/// make the server a proxy into places only it can reach (server-side request forgery).
public struct NetworkAddress: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Loopback, private, shared (CGNAT), link-local, multicast, reserved, unspecified, or
    /// documentation ranges; IPv4 inside IPv6 (mapped, NAT64) judged by its IPv4 part.
    public var isPrivate: Bool {
        if bytes.count == 4 { return Self.privateV4(bytes) }
        if let embedded = embeddedV4 { return Self.privateV4(embedded) }
        let b = bytes
        if b.allSatisfy({ $0 == 0 }) { return true }  // ::
        if b.prefix(15).allSatisfy({ $0 == 0 }) && b[15] == 1 { return true }  // ::1
        if b[0] & 0xfe == 0xfc { return true }  // fc00::/7 unique local
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return true }  // fe80::/10 link-local
        if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return true }  // fec0::/10 site-local (deprecated)
        if b[0] == 0xff { return true }  // multicast
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8 { return true }  // 2001:db8::/32 documentation
        return false
    }

    /// The IPv4 address inside `::ffff:a.b.c.d` (mapped), `::a.b.c.d` (compatible) or
    /// `64:ff9b::a.b.c.d` (NAT64).
    var embeddedV4: [UInt8]? {
        guard bytes.count == 16 else { return nil }
        let head = Array(bytes.prefix(12))
        let mapped = head.prefix(10).allSatisfy { $0 == 0 } && head[10] == 0xff && head[11] == 0xff
        let compatible = head.allSatisfy { $0 == 0 } && !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0 && bytes[15] <= 1)
        let nat64 = head == [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]
        return mapped || compatible || nat64 ? Array(bytes.suffix(4)) : nil
    }

    static func privateV4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): return true
        case (100, 64...127): return true  // shared address space (CGNAT)
        case (169, 254): return true  // link-local, cloud metadata
        case (172, 16...31), (192, 168): return true
        case (192, 0): return b[2] == 0 || b[2] == 2  // IETF protocol assignments, TEST-NET-1
        case (198, 18...19): return true  // benchmarking
        case (198, 51): return b[2] == 100  // TEST-NET-2
        case (203, 0): return b[2] == 113  // TEST-NET-3
        default: return b[0] >= 224  // multicast, reserved, broadcast
        }
    }

    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}
