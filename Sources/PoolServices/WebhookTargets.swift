import Foundation
import PoolDomain

#if canImport(Glibc)
    import Glibc
#endif

/// Turns a host name (or an address literal) into the addresses a connection would use.
public protocol HostResolver: Sendable {
    /// Every address `host` resolves to; empty when it does not resolve.
    func addresses(of host: String) -> [NetworkAddress]
}

/// The system's resolver (`getaddrinfo`: /etc/hosts, then DNS).
public struct SystemResolver: HostResolver {
    public init() {}

    public func addresses(of host: String) -> [NetworkAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var found: [NetworkAddress] = []
        for entry in sequence(first: first, next: { $0.pointee.ai_next }) {
            guard let address = entry.pointee.ai_addr else { continue }
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    var raw = $0.pointee.sin_addr
                    let bytes = withUnsafeBytes(of: &raw) { Array($0) }
                    if let parsed = NetworkAddress(bytes: bytes) { found.append(parsed) }
                }
            case AF_INET6:
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    var raw = $0.pointee.sin6_addr
                    let bytes = withUnsafeBytes(of: &raw) { Array($0) }
                    if let parsed = NetworkAddress(bytes: bytes) { found.append(parsed) }
                }
            default: continue
            }
        }
        return found
    }
}

/// Where webhooks may be sent: the public internet only, unless the operator started the
/// server with `--webhook-allow-private` (a receiver on the same network).
///
/// Checked when an endpoint is registered and again before every delivery, after resolving
/// its host then: a name that pointed outside when registered and inside later (DNS
/// rebinding) is refused at delivery. For `http://` targets the delivery then connects to the
/// very address checked; `https://` needs the name for its certificate, so the connection
/// resolves it once more, milliseconds later (see docs/threat-model.md).
public struct WebhookTargets: Sendable {
    public let allowPrivate: Bool
    public let resolver: any HostResolver

    public init(allowPrivate: Bool = false, resolver: any HostResolver = SystemResolver()) {
        self.allowPrivate = allowPrivate
        self.resolver = resolver
    }

    /// The addresses `url` may be sent to, or why it may not.
    public func check(_ url: String) throws -> (target: URL, addresses: [NetworkAddress]) {
        guard url.count <= 2000, let target = URL(string: url), ["http", "https"].contains(target.scheme?.lowercased() ?? ""),
            let host = target.host, !host.isEmpty, target.user == nil
        else {
            throw PoolError.invalidInput(field: "url", message: "an http(s) URL")
        }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses = resolver.addresses(of: bare)
        guard !addresses.isEmpty else {
            throw PoolError.invalidInput(field: "url", message: "its host does not resolve")
        }
        if !allowPrivate, let inside = addresses.first(where: \.isPrivate) {
            throw PoolError.invalidInput(
                field: "url",
                message: "its host resolves to \(inside), a private, loopback or link-local address (start the server with --webhook-allow-private to allow it)")
        }
        return (target, addresses)
    }
}
