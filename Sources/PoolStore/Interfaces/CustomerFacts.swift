import Foundation
import PoolDomain

/// What a decision about one customer may read, inside the transaction that will apply it.
///
/// The application layer decides (who may, which change, which limits hold) on these facts;
/// the store then writes. Because the facts are read in the change's own write transaction,
/// nothing can change between the decision and its conditional write.
public protocol CustomerFacts {
    var customer: Customer { get }
    /// What the acting user may see and administer, with their collaboration on this customer.
    var viewer: Viewer { get }
    var now: Date { get }
    var calendar: LocalCalendar { get }
    /// A user, or `PoolError.notFound`.
    func user(_ id: UserID) throws -> User
    /// The current owner's name, which every user may know (it says who to talk to).
    func ownerName() throws -> String?
    /// Where the customer goes when it leaves its owner: `explicit`, else its routing.
    func poolTarget(explicit: PoolID?) throws -> (PoolID, RoutingReason)
    /// `user`'s effective owner limit and the private customers counted against it now.
    func ownedLoad(of user: User) throws -> (count: Int, limit: OwnerLimit)
    /// `user`'s effective owner limit and the customers they have locked now.
    func lockedLoad(of user: User) throws -> (count: Int, limit: OwnerLimit)
    /// What the claim rules of the customer's pool decide on for `claimant`, those rules and the
    /// claimant's limit; nil when the customer is not in a pool.
    func claimFacts(of claimant: User) throws -> (facts: ClaimFacts, rules: ClaimRules, limit: OwnerLimit)?
}
