import Foundation
import PoolDomain
import Testing

import TestSupport

/// Console sessions end after an idle time; API tokens show when they were last used (issue 20).
@Suite struct CredentialLifetimeTests {
    @Test func aConsoleSessionEndsAfterItsIdleTimeButNotWhileInUse() throws {
        let server = try TestServer { $0.sessionIdleTimeout = 30 * 60 }
        let console = try server.console(as: "admin")
        // In use every 20 minutes for two hours: still signed in.
        for _ in 0..<6 {
            server.clock.advance(seconds: 20 * 60)
            #expect(try console.get("/admin/pools").status == 200)
        }
        server.clock.advance(seconds: 31 * 60)
        let idle = try console.get("/admin/pools")
        #expect(idle.status == 303 && idle.headers["location"] == "/admin/login", "an unattended browser is signed out")
    }

    @Test func aTokensLastUseIsRecordedToTheMinuteAndShown() throws {
        let server = try TestServer()
        let before = try server.query("{ apiTokens { id label user { name } lastUsedAt } }")
        let rep3 = (before.at("data", "apiTokens") as? [[String: Any]] ?? []).first { ($0["user"] as? [String: Any])?["name"] as? String == "rep3" }
        #expect(rep3?["lastUsedAt"] is NSNull, "never used")
        _ = try server.query("{ me { name } }", as: "rep3")
        let used = TestServer.start
        func lastUse() throws -> Date? {
            let json = try server.query("{ apiTokens { lastUsedAt user { name } } }")
            let text = (json.at("data", "apiTokens") as? [[String: Any]] ?? [])
                .first { ($0["user"] as? [String: Any])?["name"] as? String == "rep3" }?["lastUsedAt"] as? String
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return text.flatMap { formatter.date(from: $0) }
        }
        #expect(try lastUse() == used)
        // Used again 30 seconds later: not written again (to the minute); 2 minutes later: written.
        server.clock.advance(seconds: 30)
        Thread.sleep(forTimeInterval: 1.1)  // past the token cache's second
        _ = try server.query("{ me { name } }", as: "rep3")
        #expect(try lastUse() == used)
        server.clock.advance(seconds: 120)
        Thread.sleep(forTimeInterval: 1.1)
        _ = try server.query("{ me { name } }", as: "rep3")
        #expect(try lastUse() == used.addingTimeInterval(150))
        let console = try server.console(as: "admin")
        let page = try console.get("/admin/tokens")
        #expect(page.text.contains("Last used"))
        #expect(page.text.contains(Self.minute(used.addingTimeInterval(150))))
    }

    static func minute(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}

