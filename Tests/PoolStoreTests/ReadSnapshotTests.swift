import Foundation
import PoolDomain
import PoolStore
import Testing

/// Inside `withReadSnapshot` every read sees the moment the snapshot began, even while another
/// thread commits; afterwards reads see the new state again.
@Suite struct ReadSnapshotTests {
    let fixture = try! StoreFixture()
    var database: SQLitePoolDatabase { fixture.database }

    @Test func readsInsideASnapshotSeeOneMomentWhileAnotherThreadCommits() throws {
        let rep = try fixture.actor("rep")
        _ = try database.createCustomer(CustomerDraft(name: "First Ltd"), by: rep, intoPool: nil)
        let everyone = CustomerScope.all
        let (before, during) = try database.withReadSnapshot {
            let before = try database.countCustomers(CustomerFilter(), scope: everyone)
            let database = self.database
            let committed = DispatchSemaphore(value: 0)
            Thread {
                _ = try? database.createCustomer(CustomerDraft(name: "Second Ltd"), by: rep, intoPool: nil)
                committed.signal()
            }.start()
            committed.wait()
            return (before, try database.countCustomers(CustomerFilter(), scope: everyone))
        }
        #expect(before == 1)
        #expect(during == 1)
        #expect(try database.countCustomers(CustomerFilter(), scope: everyone) == 2)
    }
}
