import Foundation
import PoolDomain
import PoolStore
import Testing

/// Through the handle `withReadSnapshot` passes, every read sees the moment the snapshot began,
/// even while another thread commits; the store itself, on the same thread, and reads after it
/// see the new state.
@Suite struct ReadSnapshotTests {
    let fixture = try! StoreFixture()
    var database: SQLitePoolDatabase { fixture.database }

    @Test func readsInsideASnapshotSeeOneMomentWhileAnotherThreadCommits() throws {
        let rep = try fixture.actor("rep")
        _ = try database.createCustomer(CustomerDraft(name: "First Ltd"), by: rep, intoPool: nil)
        let everyone = CustomerScope.all
        let (before, during, store) = try database.withReadSnapshot { snapshot in
            let before = try snapshot.countCustomers(CustomerFilter(), scope: everyone)
            let database = self.database
            let committed = DispatchSemaphore(value: 0)
            Thread {
                _ = try? database.createCustomer(CustomerDraft(name: "Second Ltd"), by: rep, intoPool: nil)
                committed.signal()
            }.start()
            committed.wait()
            return (
                before, try snapshot.countCustomers(CustomerFilter(), scope: everyone),
                try database.countCustomers(CustomerFilter(), scope: everyone)
            )
        }
        #expect(before == 1)
        #expect(during == 1)
        #expect(store == 2)
        #expect(try database.countCustomers(CustomerFilter(), scope: everyone) == 2)
    }

    /// A snapshot handle only reads, and only while its snapshot is open: a write through it
    /// would not be seen by its own later reads, and its connection is lent only to the closure.
    @Test func aSnapshotHandleRefusesWritesAndUseAfterItEnds() throws {
        let rep = try fixture.actor("rep")
        var kept: (any PoolDatabase)?
        try database.withReadSnapshot { snapshot in
            kept = snapshot
            #expect(throws: (any Error).self) {
                _ = try snapshot.createCustomer(CustomerDraft(name: "Inside Ltd"), by: rep, intoPool: nil)
            }
            let nested = try snapshot.withReadSnapshot { inner in try inner.countCustomers(CustomerFilter(), scope: .all) }
            #expect(nested == 0)
        }
        #expect(throws: (any Error).self) { _ = try kept?.countCustomers(CustomerFilter(), scope: .all) }
        #expect(try database.countCustomers(CustomerFilter(), scope: .all) == 0)
    }
}
