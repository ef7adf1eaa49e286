import PoolDomain

/// The root value one change of a subscription is executed with.
struct PoolChangeValue: Sendable {
    let kind: LiveChange.PoolKind
    let event: OwnershipEvent
}

struct MyCustomerChangeValue: Sendable {
    let kind: LiveChange.MineKind
    let event: OwnershipEvent?
    let warning: UserNotification?

    var customerID: CustomerID? { event?.customerID ?? warning?.customerID }
}

/// What a subscription listens for, read from its one root field.
enum LiveInterest: Sendable, Equatable {
    case pool(PoolID)
    case mine(UserID)

    /// The value to deliver for `event`, or nil when it does not concern this interest.
    func change(for event: OwnershipEvent) -> (any Sendable)? {
        switch self {
        case .pool(let pool): return LiveChange.pool(event, pool).map { PoolChangeValue(kind: $0, event: event) }
        case .mine(let user): return LiveChange.mine(event, user).map { MyCustomerChangeValue(kind: $0, event: event, warning: nil) }
        }
    }

    func change(for warning: UserNotification) -> (any Sendable)? {
        guard case .mine(let user) = self, warning.userID == user else { return nil }
        return MyCustomerChangeValue(kind: .warned, event: nil, warning: warning)
    }
}
