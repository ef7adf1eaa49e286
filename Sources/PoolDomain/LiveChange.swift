/// How an ownership event reads to someone watching a pool or their own customers: what live
/// updates (`poolChanged`, `myCustomersChanged`) send, decided from the event alone.
public enum LiveChange {
    public enum PoolKind: String, Sendable {
        case entered, left
    }

    public enum MineKind: String, Sendable {
        case claimed, assigned, transferredIn = "transferred_in", transferredOut = "transferred_out", released, reclaimed, warned
    }

    /// Whether the customer entered or left `pool`; nil when the event does not cross its edge.
    public static func pool(_ event: OwnershipEvent, _ pool: PoolID) -> PoolKind? {
        if event.toPoolID == pool && event.fromPoolID != pool { return .entered }
        if event.fromPoolID == pool && event.toPoolID != pool { return .left }
        return nil
    }

    /// What the event did to `user`'s own customers; nil when it did nothing to them.
    public static func mine(_ event: OwnershipEvent, _ user: UserID) -> MineKind? {
        let gained = event.toOwnerID == user && event.fromOwnerID != user
        let lost = event.fromOwnerID == user && event.toOwnerID != user
        switch event.kind {
        case .claim where gained: return .claimed
        case .assign where gained: return .assigned
        case .transfer where gained: return .transferredIn
        case .transfer where lost, .assign where lost: return .transferredOut
        case .release where lost: return .released
        case .reclaim where lost: return .reclaimed
        default: return nil
        }
    }
}
