import Foundation
import Testing

import TestSupport

/// What an attacker without an account can do to the console: guess passwords from one address
/// (throttled before any hashing), or claim HTTPS or another address through forwarded headers
/// (believed only from the configured proxies).
@Suite struct UnauthenticatedAbuseTests {
    /// One sign-in attempt with a wrong password, as a browser sends it; returns the response.
    static func attempt(_ server: TestServer, name: String = "admin", headers extra: [(String, String)] = []) throws -> HTTPClient.Response {
        let page = try server.client.send(method: "GET", path: "/admin/login", headers: extra)
        let cookie = try #require(page.setCookies.first { $0.hasPrefix("gh_login=") }?.split(separator: ";").first.map(String.init))
        let csrf = String(cookie.dropFirst("gh_login=".count))
        let body = "name=\(name)&password=wrong-guess&_csrf=\(csrf)"
        return try server.client.send(
            method: "POST", path: "/admin/login",
            headers: extra + [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8))
    }

    @Test func oneAddressGetsTwentySignInAttemptsInFiveMinutesThenWaits() throws {
        let server = try TestServer()
        // Different names: the per-account lockout (five failures) is not what stops them here.
        let statuses = try (0..<20).map { try Self.attempt(server, name: "nobody\($0)").status }
        #expect(statuses.allSatisfy { $0 == 401 })
        let refused = try Self.attempt(server, name: "someone-else")
        #expect(refused.status == 429)
        #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 > 0)
        #expect(refused.text.contains("此地址登录尝试过多"), "said in the console's default language")
        server.clock.advance(seconds: 301)
        #expect(try Self.attempt(server, name: "later").status == 401, "the window slides")
    }

    @Test func aTrustedProxysForwardedAddressIsTheOneThrottled() throws {
        let server = try TestServer()
        for index in 0..<20 { _ = try Self.attempt(server, name: "n\(index)", headers: [("X-Real-IP", "10.0.0.1")]) }
        #expect(try Self.attempt(server, name: "x", headers: [("X-Real-IP", "10.0.0.1")]).status == 429)
        #expect(try Self.attempt(server, name: "y", headers: [("X-Real-IP", "10.0.0.2")]).status == 401, "another office")

        let direct = try TestServer(trustedProxies: [])
        for index in 0..<20 { _ = try Self.attempt(direct, name: "n\(index)", headers: [("X-Real-IP", "10.0.0.\(index)")]) }
        #expect(try Self.attempt(direct, name: "x", headers: [("X-Real-IP", "10.9.9.9")]).status == 429,
                "an untrusted peer's X-Real-IP is ignored: all twenty came from one address")
    }

    @Test func onlyATrustedProxyMakesCookiesSecure() throws {
        let behindProxy = try TestServer()
        let viaProxy = try behindProxy.client.send(method: "GET", path: "/admin/login", headers: [("X-Forwarded-Proto", "https")])
        #expect(viaProxy.setCookies.first { $0.hasPrefix("gh_login=") }?.contains("Secure") == true)
        let exposed = try TestServer(trustedProxies: [])
        let spoofed = try exposed.client.send(method: "GET", path: "/admin/login", headers: [("X-Forwarded-Proto", "https")])
        #expect(spoofed.setCookies.first { $0.hasPrefix("gh_login=") }?.contains("Secure") == false)
    }
}
