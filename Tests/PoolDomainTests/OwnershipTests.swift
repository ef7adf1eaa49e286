import Foundation
import Testing

@testable import PoolDomain

@Suite struct OwnershipTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let rep = Actor(userID: UserID(10), name: "rep", role: .rep, departmentID: nil)
    let otherRep = Actor(userID: UserID(11), name: "other", role: .rep, departmentID: nil)
    let manager = Actor(userID: UserID(2), name: "manager", role: .manager, departmentID: nil)

    /// Reps see their own customers and pools 1 and 3; the manager also sees both reps'.
    func view(_ actor: Actor) -> Viewer {
        let owners: Set<UserID> = actor.role == .manager ? [rep.userID, otherRep.userID, actor.userID] : [actor.userID]
        return Viewer(
            actor: actor, scope: .restricted(owners: owners, pools: [PoolID(1), PoolID(3)], collaborator: actor.userID),
            adminPools: [])
    }

    func customer(_ placement: Placement, locked: Bool = false) -> Customer {
        Customer(id: CustomerID(1), name: "ACME", placement: placement, locked: locked, createdAt: now)
    }

    func user(_ actor: Actor, active: Bool = true) -> User {
        User(id: actor.userID, name: actor.name, role: actor.role, departmentID: nil, active: active, createdAt: now)
    }

    @Test func claimingAPoolCustomerIsConditionalOnItStillBeingInThatPool() throws {
        let change = try Ownership.claim(customer(.inPool(PoolID(3))), by: view(rep), at: now)
        #expect(change.expected == .inPool(PoolID(3)))
        #expect(change.target == .owned(by: rep.userID))
        #expect(change.kind == .claim)
        #expect(change.leavingOwner == nil)
    }

    @Test func claimingAnOwnedCustomerFailsWithAlreadyOwned() {
        #expect(throws: PoolError.alreadyOwned(ownerName: nil)) {
            try Ownership.claim(customer(.owned(by: rep.userID)), by: view(rep), at: now)
        }
    }

    @Test func aRepCannotSeeAnotherRepsCustomerSoCannotReleaseIt() {
        #expect(throws: PoolError.notFound(entity: "Customer")) {
            try Ownership.release(
                customer(.owned(by: otherRep.userID)), by: view(rep), reason: "x", into: PoolID(1),
                routedBy: .explicit, at: now)
        }
    }

    @Test func releaseNeedsAReasonAndRecordsThePreviousOwner() throws {
        #expect(throws: PoolError.invalidInput(field: "reason", message: "a reason is required")) {
            try Ownership.release(
                customer(.owned(by: rep.userID)), by: view(rep), reason: "  ", into: PoolID(1), routedBy: .explicit, at: now)
        }
        let change = try Ownership.release(
            customer(.owned(by: rep.userID)), by: view(rep), reason: " no budget ", into: PoolID(1), routedBy: .matched,
            at: now)
        #expect(change.reason == "no budget")
        #expect(change.leavingOwner == rep.userID)
        #expect(change.routedBy == .matched)
    }

    @Test func lockedCustomersCannotBeReleasedTransferredOrReassigned() {
        let locked = customer(.owned(by: rep.userID), locked: true)
        #expect(throws: PoolError.locked) {
            try Ownership.release(locked, by: view(rep), reason: "x", into: PoolID(1), routedBy: .explicit, at: now)
        }
        #expect(throws: PoolError.locked) {
            try Ownership.transfer(locked, to: user(otherRep), by: view(manager), reason: nil, at: now)
        }
        #expect(throws: PoolError.locked) {
            try Ownership.assign(locked, to: user(otherRep), by: view(manager), reason: nil, at: now)
        }
    }

    @Test func onlyManagersAssignAndNeverToDeactivatedUsers() throws {
        let pooled = customer(.inPool(PoolID(1)))
        #expect(throws: PoolError.self) { try Ownership.assign(pooled, to: user(otherRep), by: view(rep), reason: nil, at: now) }
        #expect(throws: PoolError.invalidInput(field: "toUserId", message: "the user is deactivated")) {
            try Ownership.assign(pooled, to: user(otherRep, active: false), by: view(manager), reason: nil, at: now)
        }
        let change = try Ownership.assign(pooled, to: user(otherRep), by: view(manager), reason: "region", at: now)
        #expect(change.target == .owned(by: otherRep.userID))
    }

    @Test func transferNeedsAPrivateCustomerAndADifferentRep() throws {
        #expect(throws: PoolError.notOwner) {
            try Ownership.transfer(customer(.inPool(PoolID(1))), to: user(otherRep), by: view(manager), reason: nil, at: now)
        }
        let change = try Ownership.transfer(
            customer(.owned(by: rep.userID)), to: user(otherRep), by: view(rep), reason: "handover", at: now)
        #expect(change.expected == .owned(by: rep.userID))
        #expect(change.leavingOwner == rep.userID)
    }
}
