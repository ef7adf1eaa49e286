import Foundation
import GRDB
import PoolDomain
import Testing

@testable import PoolStore

/// Pages name their owners from the last reading of the users; these tests hold every lookup
/// to the users as they are now.
@Suite struct DirectoryMemoTests {
    let fixture = try! StoreFixture()
    var database: SQLitePoolDatabase { fixture.database }

    private func directoryToken() throws -> Int64? {
        try database.readForTests { try Int64.fetchOne($0, sql: "SELECT directory_token FROM settings_version") }
    }

    @Test func aUserCreatedAfterALookupIsFoundByTheNext() throws {
        let first = try fixture.actor("first")
        #expect(try database.users(ids: [first.userID]).count == 1)
        #expect(try database.userDirectory().count == 1)
        let second = try fixture.actor("second")
        #expect(try database.users(ids: [first.userID, second.userID]).mapValues(\.name) == [first.userID: "first", second.userID: "second"])
        #expect(try database.userDirectory().mapValues(\.name) == [first.userID: "first", second.userID: "second"])
    }

    @Test func aChangeMadeByAnotherProcessIsSeenByTheNextLookup() throws {
        let admin = try fixture.actor("admin", .admin)
        let rep = try fixture.actor("rep")
        #expect(try database.users(ids: [rep.userID])[rep.userID]?.active == true)
        let other = try SQLitePoolDatabase(path: fixture.directory.appendingPathComponent("db.sqlite").path, clock: fixture.clock)
        _ = try other.setActive(rep.userID, false, by: admin)
        _ = try other.updateUser(rep.userID, role: .manager, departmentID: nil, by: admin)
        let seen = try database.users(ids: [rep.userID])[rep.userID]
        #expect(seen?.active == false)
        #expect(seen?.role == .manager)
    }

    /// Sign-in bookkeeping updates `users` on every failed attempt; it must not throw the
    /// reading away, while a change to what a `User` holds must.
    @Test func onlyChangesToWhatAUserHoldsReplaceTheReading() throws {
        let rep = try fixture.actor("rep")
        let before = try directoryToken()
        try database.writeForTests { db in
            try db.execute(sql: "UPDATE users SET failed_sign_ins = 3, locked_until = 1 WHERE id = ?", arguments: [rep.userID.rawValue])
        }
        #expect(try directoryToken() == before)
        try database.writeForTests { db in
            try db.execute(sql: "UPDATE users SET on_leave = 1 WHERE id = ?", arguments: [rep.userID.rawValue])
        }
        #expect(try directoryToken() != before)
        #expect(try database.users(ids: [rep.userID])[rep.userID]?.onLeave == true)
    }

    /// A manager sees the customers of everyone in their department's subtree, including a
    /// rep who joined it after the manager's last request.
    @Test func aManagerSeesTheCustomersOfARepWhoJoinedTheirDepartmentSinceTheLastRequest() throws {
        let admin = try fixture.actor("admin", .admin)
        let sales = try database.createDepartment(name: "Sales", parentID: nil, by: nil)
        let east = try database.createDepartment(name: "East", parentID: sales.id, by: nil)
        let manager = Actor(try database.createUser(name: "manager", role: .manager, departmentID: sales.id))
        let before = try database.viewer(for: manager)
        let newcomer = try database.createUser(name: "newcomer", role: .rep, departmentID: nil)
        _ = try database.updateUser(newcomer.id, role: .rep, departmentID: east.id, by: admin)
        let after = try database.viewer(for: manager)
        guard case .restricted(let ownersBefore, _, _) = before.scope, case .restricted(let ownersAfter, _, _) = after.scope else {
            Issue.record("a manager's scope is restricted")
            return
        }
        #expect(ownersBefore == [manager.userID])
        #expect(ownersAfter == [manager.userID, newcomer.id])
    }
}
