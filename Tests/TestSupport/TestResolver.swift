import Foundation
import PoolDomain
import PoolServices

/// A resolver for tests: address literals and `localhost` as the system resolves them, names
/// set with `point(_:to:)` to what they were set to (a DNS answer that can change between
/// registration and delivery), and every other name to one public address, so no test needs
/// the network.
public final class TestResolver: HostResolver, @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [String: [NetworkAddress]] = [:]
    /// example.com's address: public, never contacted (deliveries to it are not awaited).
    public static let publicAddress = NetworkAddress(bytes: [93, 184, 216, 34])!

    public init() {}

    /// From now on `host` resolves to `addresses` (e.g. "127.0.0.1").
    public func point(_ host: String, to addresses: String...) {
        let parsed = addresses.flatMap { SystemResolver().addresses(of: $0) }
        lock.withLock { answers[host.lowercased()] = parsed }
    }

    public func addresses(of host: String) -> [NetworkAddress] {
        if let set = lock.withLock({ answers[host.lowercased()] }) { return set }
        let isLiteral = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        if isLiteral || host.lowercased() == "localhost" { return SystemResolver().addresses(of: host) }
        return [Self.publicAddress]
    }
}
