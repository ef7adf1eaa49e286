/// A typed row id: a customer id cannot be passed where a user id is expected.
public struct EntityID<Entity>: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int64

    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }
}

public typealias CustomerID = EntityID<Customer>
public typealias UserID = EntityID<User>
public typealias PoolID = EntityID<Pool>
public typealias DepartmentID = EntityID<Department>
public typealias FollowUpID = EntityID<FollowUp>
public typealias OwnershipEventID = EntityID<OwnershipEvent>
