import Foundation

/// What an API token may do within its user's rights: everything, only read, or only the
/// customers of named pools. A console session is always `full`.
public struct TokenScope: Sendable, Equatable, Hashable {
    /// Queries only: every mutation is refused.
    public var readOnly: Bool
    /// When set, the token sees and acts on the customers in these pools only, and does nothing
    /// that reaches beyond them (administration, metrics, exports): a lead vendor's feed into a
    /// pool, or a dialer working one.
    public var pools: Set<PoolID>?

    public init(readOnly: Bool = false, pools: Set<PoolID>? = nil) {
        self.readOnly = readOnly
        self.pools = pools
    }

    public static let full = TokenScope()

    public var isFull: Bool { !readOnly && pools == nil }
}

/// A verified API token: the active user it acts as, and its scope.
public struct TokenGrant: Sendable, Equatable {
    public let user: User
    public let scope: TokenScope
    /// When the token stops working (nil: never).
    public let expiresAt: Date?
    /// The token's id (what access records name).
    public let tokenID: Int64?
    /// When the token was last recorded as used, to the minute.
    public let lastUsedAt: Date?

    public init(user: User, scope: TokenScope = .full, expiresAt: Date? = nil, tokenID: Int64? = nil, lastUsedAt: Date? = nil) {
        self.user = user
        self.scope = scope
        self.expiresAt = expiresAt
        self.tokenID = tokenID
        self.lastUsedAt = lastUsedAt
    }
}
