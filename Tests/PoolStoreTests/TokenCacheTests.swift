import Foundation
import PoolDomain
import PoolStore
import Testing

/// Verified API tokens are remembered briefly, but a revocation, a deactivation or a role
/// change made by this server takes effect on the very next request.
@Suite struct TokenCacheTests {
    let fixture = try! StoreFixture()
    var database: SQLitePoolDatabase { fixture.database }

    @Test func aRevokedTokenFailsOnTheNextRequest() throws {
        let admin = try fixture.actor("admin", .admin)
        let rep = try fixture.actor("rep")
        let token = try database.issueToken(for: rep.userID, label: "phone", by: admin)
        #expect(try database.authenticate(token: token)?.id == rep.userID)
        let id = try #require(try database.apiTokens().first { $0.label == "phone" }).id
        try database.revokeToken(id, by: admin)
        #expect(try database.authenticate(token: token) == nil)
    }

    @Test func aDeactivatedUsersTokenFailsAndARoleChangeIsSeenAtOnce() throws {
        let admin = try fixture.actor("admin", .admin)
        let rep = try fixture.actor("rep")
        let token = try database.issueToken(for: rep.userID, label: nil, by: admin)
        #expect(try database.authenticate(token: token)?.onLeave == false)
        _ = try database.setOnLeave(rep.userID, true, by: admin)
        #expect(try database.authenticate(token: token)?.onLeave == true)
        _ = try database.setActive(rep.userID, false, by: admin)
        #expect(try database.authenticate(token: token) == nil)
    }

    @Test func anotherProcessesRevocationIsSeenWithinTheCacheLifetime() throws {
        let path = fixture.directory.appendingPathComponent("db.sqlite").path
        let shortLived = try SQLitePoolDatabase(path: path, clock: fixture.clock, tokenCacheLifetime: .milliseconds(100))
        let admin = try fixture.actor("admin", .admin)
        let rep = try fixture.actor("rep")
        let token = try database.issueToken(for: rep.userID, label: "phone", by: admin)
        #expect(try shortLived.authenticate(token: token)?.id == rep.userID)
        // `database` stands for the other process: it shares the file, not the cache.
        try database.revokeToken(try #require(try database.apiTokens().first { $0.label == "phone" }).id, by: admin)
        #expect(try shortLived.authenticate(token: token)?.id == rep.userID, "trusted for up to the lifetime")
        Thread.sleep(forTimeInterval: 0.15)
        #expect(try shortLived.authenticate(token: token) == nil)
    }

    /// A refusal is never remembered: a token refused while its user was inactive works as
    /// soon as another process reactivates the user, though the cache would trust it for an hour.
    @Test func unknownTokensAreNeverCached() throws {
        let admin = try fixture.actor("admin", .admin)
        let rep = try fixture.actor("rep")
        let token = try database.issueToken(for: rep.userID, label: nil, by: admin)
        let forged = String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A")
        #expect(try database.authenticate(token: forged) == nil)
        #expect(try database.authenticate(token: token)?.id == rep.userID)

        let path = fixture.directory.appendingPathComponent("db.sqlite").path
        let longLived = try SQLitePoolDatabase(path: path, clock: fixture.clock, tokenCacheLifetime: .seconds(3600))
        _ = try database.setActive(rep.userID, false, by: admin)
        #expect(try longLived.authenticate(token: token) == nil)
        _ = try database.setActive(rep.userID, true, by: admin)
        #expect(try longLived.authenticate(token: token)?.id == rep.userID)
    }
}
