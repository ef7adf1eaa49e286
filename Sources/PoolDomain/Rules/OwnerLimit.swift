/// How many customers one user may hold (私海上限), set for everyone, a department or a user.
public struct OwnerLimit: Codable, Sendable, Equatable {
    public var maxPrivate: Int?
    /// Whether won customers count towards `maxPrivate`.
    public var countWon: Bool
    public var maxLocked: Int?

    public init(maxPrivate: Int? = nil, countWon: Bool = false, maxLocked: Int? = nil) {
        self.maxPrivate = maxPrivate
        self.countWon = countWon
        self.maxLocked = maxLocked
    }

    public static let unlimited = OwnerLimit()
}

/// Where an owner limit is set; the most specific one applies (user, then the nearest
/// department up the tree, then everyone).
public enum LimitScope: Sendable, Equatable, Hashable {
    case everyone
    case department(DepartmentID)
    case user(UserID)
}

public enum OwnerLimits {
    /// The limit for a user, given all configured limits and the user's department ancestry
    /// (own department first).
    public static func effective(
        for user: UserID, departments: [DepartmentID], in limits: [LimitScope: OwnerLimit]
    ) -> OwnerLimit {
        if let own = limits[.user(user)] { return own }
        for department in departments {
            if let limit = limits[.department(department)] { return limit }
        }
        return limits[.everyone] ?? .unlimited
    }
}
