import Foundation
import PoolDomain
import PoolStore
import PostgresStore
import TestSupport
import PoolServices
import Testing

/// People and tokens on PostgreSQL with two instances: the same validation and audit as on
/// SQLite (the code is shared), tokens stored only as digests, and a revoked token refused by
/// the revoking instance at once and by every other within its token cache's lifetime.
@Suite struct PostgresPeopleTests {
    let url: String

    init() throws { url = try PostgresTestCluster.shared.get().migratedDatabase() }

    @Test func aTokenRevokedThroughOneInstanceIsRefusedByTheOtherWithinTheCacheLifetime() throws {
        let first = try PostgresPoolDatabase(url: url, connections: 2, tokenCacheLifetime: .milliseconds(300))
        let second = try PostgresPoolDatabase(url: url, connections: 2, tokenCacheLifetime: .milliseconds(300))
        defer { [first, second].forEach { $0.close() } }
        let department = try first.createDepartment(name: "华东销售部", parentID: nil, by: nil)
        let admin = try first.createUser(name: "admin", role: .admin, departmentID: nil, by: nil)
        let rep = try first.createUser(name: "li.na", role: .rep, departmentID: department.id, by: nil)
        #expect(try second.userDirectory()[rep.id]?.departmentID == department.id, "the other instance's directory sees the new user")
        #expect(throws: PoolError.invalidInput(field: "name", message: "a user with this name exists")) {
            try second.createUser(name: " li.na ", role: .rep, departmentID: nil, by: nil)
        }
        #expect(throws: PoolError.invalidInput(field: "name", message: "1 to 100 characters")) {
            try second.createUser(name: String(repeating: "x", count: 101), role: .rep, departmentID: nil, by: nil)
        }

        let token = try first.issueToken(for: rep.id, label: "partner", by: nil)
        #expect(try second.authenticate(token: token)?.id == rep.id)
        #expect(try first.authenticate(token: token)?.id == rep.id)
        #expect(try second.authenticate(token: token + "x") == nil)
        let db = try PostgresConnection(url)
        let stored = try #require(try db.fetchOne("SELECT id, length(token_hash), position(? in encode(token_hash, 'escape')) FROM api_tokens", [.text(token)]) {
            ($0.int64(0), $0.int(1), $0.int(2))
        })
        #expect(stored.1 == 32 && stored.2 == 0, "only the 32-byte digest is stored")

        try first.revokeToken(stored.0, by: Actor(admin))
        #expect(try first.authenticate(token: token) == nil, "the revoking instance refuses at once")
        let revokedAt = ContinuousClock.now
        while try second.authenticate(token: token) != nil {
            #expect(ContinuousClock.now - revokedAt < .seconds(1), "the other instance still accepts the revoked token")
            if ContinuousClock.now - revokedAt > .seconds(2) { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let actions = try db.fetchAll("SELECT action FROM audit_log ORDER BY id") { $0.text(0) }
        #expect(actions == ["create_department", "create_user", "create_user", "issue_token", "revoke_token"])
    }

    /// Deactivating a rep through one instance sends their customers back to the pools, each
    /// with its release event, and their tokens stop working on every instance.
    @Test func deactivatingARepReleasesTheirCustomersAndStopsTheirTokensEverywhere() throws {
        let first = try PostgresPoolDatabase(url: url, connections: 2, tokenCacheLifetime: .milliseconds(300))
        let second = try PostgresPoolDatabase(url: url, connections: 2, tokenCacheLifetime: .milliseconds(300))
        defer { [first, second].forEach { $0.close() } }
        let admin = try first.createUser(name: "admin", role: .admin, departmentID: nil, by: nil)
        let rep = try first.createUser(name: "zhao.min", role: .rep, departmentID: nil, by: nil)
        let token = try first.issueToken(for: rep.id, label: nil, by: nil)
        let db = try PostgresConnection(url)
        let pool = try #require(try db.fetchOne("INSERT INTO pools (name, is_default) VALUES ('默认公海', 1) RETURNING id") { PoolID($0.int64(0)) })
        let customer = try #require(try db.fetchOne(
            "INSERT INTO customers (name, name_key, pool_id, created_at, updated_at, entered_pool_at) VALUES ('宁波贸易', 'nbmy', ?, 0, 0, 0) RETURNING id",
            [.int(pool.rawValue)]) { CustomerID($0.int64(0)) })
        let claimed = try first.changeOwner(of: customer, by: Actor(rep), CustomerOperations.claimDecision(by: Actor(rep)))
        #expect(claimed.ownerID == rep.id)
        #expect(try first.authenticate(token: token)?.id == rep.id)

        let after = try second.setActive(rep.id, false, by: Actor(admin))
        #expect(!after.active)
        #expect(try second.authenticate(token: token) == nil, "the deactivating instance refuses at once")
        #expect(try second.customers(ids: [customer])[customer]?.poolID == pool)
        let release = try #require(try second.ownershipEvents(of: [customer])[customer]?.last)
        #expect(release.kind == .release && release.fromOwnerID == rep.id && release.actorID == admin.id)
        #expect(release.reason == "负责人停用 / owner deactivated")
        Thread.sleep(forTimeInterval: 0.35)
        #expect(try first.authenticate(token: token) == nil, "the other instance refuses after the cache lifetime")
    }
}
