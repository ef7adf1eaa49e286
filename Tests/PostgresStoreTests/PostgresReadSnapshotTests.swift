import Foundation
import PoolDomain
import PoolStore
import PostgresStore
import TestSupport
import Testing

/// A query's read snapshot on PostgreSQL: one moment while another instance commits, no
/// writes, no use after it ends (as on SQLite, `ReadSnapshotTests`).
@Suite struct PostgresReadSnapshotTests {
    let url: String

    init() throws { url = try PostgresTestCluster.shared.get().migratedDatabase() }

    @Test func readsInASnapshotSeeOneMomentWhileAnotherInstanceCommits() throws {
        let (store, other) = (try PostgresPoolDatabase(url: url, connections: 2), try PostgresPoolDatabase(url: url, connections: 2))
        defer { [store, other].forEach { $0.close() } }
        _ = try store.createUser(name: "first", role: .rep, departmentID: nil, by: nil)
        var kept: (any PoolDatabase)?
        let (before, during, outside) = try store.withReadSnapshot { snapshot in
            kept = snapshot
            let before = try snapshot.users().count
            _ = try other.createUser(name: "second", role: .rep, departmentID: nil, by: nil)
            #expect(throws: (any Error).self) { try snapshot.createUser(name: "inside", role: .rep, departmentID: nil, by: nil) }
            let nested = try snapshot.withReadSnapshot { try $0.users().count }
            #expect(nested == before)
            return (before, try snapshot.users().count, try store.users().count)
        }
        #expect(before == 1 && during == 1, "the snapshot saw one moment")
        #expect(outside == 2, "the store itself saw the other instance's commit")
        #expect(throws: (any Error).self) { _ = try kept?.users() }
        #expect(try store.users().count == 2)
    }
}
