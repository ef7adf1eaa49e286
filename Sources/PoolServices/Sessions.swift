import Foundation
import PoolDomain
import PoolStore

/// Console sign-in and sessions: managers and administrators only (reps use the app), so a
/// user demoted to rep loses the console at their next request, not at their next sign-in.
public struct Sessions: Sendable {
    let store: any PoolDatabase
    /// A session unused this long has ended.
    let idleTimeout: TimeInterval

    public func signIn(name: String, password: String) throws -> SignInResult {
        let result = try store.signIn(name: name, password: password)
        if case .signedIn(let user) = result, !Self.mayUseConsole(user) { return .notAllowed }
        return result
    }

    /// A new session for a user `signIn` let in: its token (for the cookie) and CSRF token.
    public func open(for user: User, lifetime: TimeInterval) throws -> (token: String, csrf: String) {
        guard Self.mayUseConsole(user) else { throw PoolError.forbidden("reps use the app, not the console") }
        return try store.createSession(for: user.id, lifetime: lifetime)
    }

    /// The signed-in user and the session's CSRF token, or nil when the session is unknown,
    /// expired, idle for `idleTimeout`, or its user may no longer use the console.
    public func current(_ token: String) throws -> (User, String)? {
        guard let (user, csrf) = try store.session(token, idleTimeout: idleTimeout), Self.mayUseConsole(user) else { return nil }
        return (user, csrf)
    }

    public func end(_ token: String) throws { try store.endSession(token) }

    static func mayUseConsole(_ user: User) -> Bool {
        (try? AccessPolicy.require(.useConsole, by: Actor(user))) != nil
    }
}
