import Foundation
import PoolDomain
import PoolStore
import PostgresStore
import TestSupport
import Testing

/// What `PeopleStore` promises, held to by both backends: each test runs once on two SQLite
/// stores sharing one file and once on two PostgreSQL instances sharing one database, so what
/// one handle writes the other must honour.
@Suite struct PeopleStoreContractTests {
    @Test(arguments: StoreBackend.allCases)
    func aConsoleSessionWorksThroughEitherHandleAndEndsWithANewPassword(_ backend: StoreBackend) throws {
        let (first, second) = try backend.pair()
        let manager = try first.createUser(name: "王磊", role: .manager, departmentID: nil, by: nil)
        try first.setPassword(manager.id, "correct horse", hasher: .fastForTests, by: nil)
        #expect(try second.signIn(name: "王磊", password: "correct horse") == .signedIn(manager))
        let (token, csrf) = try first.createSession(for: manager.id, lifetime: 3600)
        let seen = try #require(try second.session(token, idleTimeout: 1800))
        #expect(seen.0.id == manager.id && seen.1 == csrf)
        #expect(try second.session(token + "x", idleTimeout: 1800) == nil)
        try second.setPassword(manager.id, "battery staple", hasher: .fastForTests, by: nil)
        #expect(try first.session(token, idleTimeout: 1800) == nil, "a new password ends the sessions the old one opened")
        let (again, _) = try second.createSession(for: manager.id, lifetime: 3600)
        try first.endSession(again)
        #expect(try second.session(again, idleTimeout: 1800) == nil)
        #expect(throws: PoolError.invalidInput(field: "password", message: "8 to 200 characters")) {
            try first.setPassword(manager.id, "short", hasher: .fastForTests, by: nil)
        }
    }

    /// Failures count wherever they are made: five in a row through alternating handles lock
    /// the account, and the right password is refused until the lock ends.
    @Test(arguments: StoreBackend.allCases)
    func failedSignInsThroughEitherHandleLockTheAccount(_ backend: StoreBackend) throws {
        let (first, second) = try backend.pair()
        let admin = try first.createUser(name: "admin", role: .admin, departmentID: nil, by: nil)
        try first.setPassword(admin.id, "the real one", hasher: .fastForTests, by: nil)
        #expect(try first.signIn(name: "nobody", password: "the real one") == .invalid)
        for attempt in 0..<4 {
            #expect(try (attempt.isMultiple(of: 2) ? first : second).signIn(name: "admin", password: "wrong \(attempt)") == .invalid)
        }
        guard case .locked = try second.signIn(name: "admin", password: "wrong again") else {
            Issue.record("the fifth failure did not lock the account")
            return
        }
        guard case .locked = try first.signIn(name: "admin", password: "the real one") else {
            Issue.record("the right password was accepted during the lock")
            return
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func usersEditsAndTokenListsAgreeAcrossHandles(_ backend: StoreBackend) throws {
        let (first, second) = try backend.pair()
        let admin = try first.createUser(name: "admin", role: .admin, departmentID: nil, by: nil)
        let department = try first.createDepartment(name: "华南", parentID: nil, by: nil)
        let rep = try first.createUser(name: "liu.yang", role: .rep, departmentID: nil, by: nil)
        let moved = try second.updateUser(rep.id, role: .manager, departmentID: department.id, by: Actor(admin))
        #expect(moved.role == .manager && moved.departmentID == department.id)
        #expect(try first.users(ids: [rep.id])[rep.id]?.role == .manager)
        #expect(throws: PoolError.notFound(entity: "Department")) {
            try first.updateUser(rep.id, role: .rep, departmentID: DepartmentID(999), by: Actor(admin))
        }
        let token = try first.issueToken(for: rep.id, label: "erp", by: nil)
        let listed = try second.apiTokens()
        #expect(listed.count == 1 && listed[0].label == "erp" && listed[0].userID == rep.id && listed[0].revokedAt == nil)
        #expect(try second.authenticate(token: token)?.id == rep.id)
        try second.revokeToken(listed[0].id, by: Actor(admin))
        #expect(try first.authenticate(token: token) == nil)
        #expect(try first.apiTokens()[0].revokedAt != nil)
        #expect(try second.notifications(for: rep.id, unreadOnly: false, first: 10).isEmpty)
        #expect(try second.markNotificationsRead(for: rep.id, ids: nil) == 0)
    }
}
