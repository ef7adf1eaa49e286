import PoolDomain

/// The change tokens of the memo readings a result was computed from (nil: that memo was not
/// consulted). A statement that selects the tokens vouches for such a result when they agree.
public struct MemoTokens: Sendable, Equatable {
    public var settings: Int64?
    public var directory: Int64?

    public init(settings: Int64? = nil, directory: Int64? = nil) {
        self.settings = settings
        self.directory = directory
    }
}

/// A viewer computed from the memos' last readings, without a statement, and the tokens of those
/// readings. A plan that reads once (`CustomerRowRequest.vouching`) runs its scope through its
/// one statement, which checks the tokens: the scope and the page are then of one moment
/// without a transaction around them.
public struct VouchedViewer: Sendable {
    public let viewer: Viewer
    public let tokens: MemoTokens

    /// Nil when a memo the viewer needs has no reading yet: the caller reads in a snapshot.
    public static func from(_ actor: Actor, settings: TokenMemo<Settings>, directory: TokenMemo<Directory>) -> VouchedViewer? {
        struct NoReading: Error {}
        var tokens = MemoTokens()
        let viewer = try? Viewer.of(
            actor,
            settings: {
                guard let reading = settings.latest() else { throw NoReading() }
                tokens.settings = reading.token
                return (reading.value.tree, reading.value.access, reading.value.pools.map(\.id))
            },
            users: {
                guard let reading = directory.latest() else { throw NoReading() }
                tokens.directory = reading.token
                return reading.value.users.values
            })
        return viewer.map { VouchedViewer(viewer: $0, tokens: tokens) }
    }
}

/// The statement saw settings or users other than those a vouched scope was computed from: the
/// operation runs again in a read snapshot. Never reaches a client.
public struct ScopeMoved: Error {
    public init() {}
}
