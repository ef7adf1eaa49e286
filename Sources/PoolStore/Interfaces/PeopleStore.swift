import Foundation
import PoolDomain

/// Departments, users, API tokens, console passwords and sessions, and each user's
/// notifications.
///
/// Every change is one transaction with its audit record (`by` nil: no user acted). Tokens and
/// session ids are stored only as digests; a plain token is returned once. A deactivated user's
/// customers go back to their pools in the same transaction, each with its ownership event.
public protocol PeopleStore: Sendable {
    /// The active user a bearer token belongs to, with the token's scope, or nil; a revoked or
    /// expired token or an inactive user is refused by the next request (within a second on
    /// other instances).
    func grant(forToken token: String) throws -> TokenGrant?
    func createDepartment(name: String, parentID: DepartmentID?, by actor: Actor?) throws -> Department
    /// Renames a department and moves it under `parentID` (nil: the top level); never under
    /// itself or below itself.
    func updateDepartment(_ id: DepartmentID, name: String, parentID: DepartmentID?, by actor: Actor) throws -> Department
    /// Deletes a department nothing refers to (users, sub-departments, pool access, owner limits).
    func deleteDepartment(_ id: DepartmentID, by actor: Actor) throws
    func departments() throws -> [Department]
    func department(named name: String) throws -> Department?
    func createUser(name: String, role: Role, departmentID: DepartmentID?, by actor: Actor?) throws -> User
    func updateUser(_ id: UserID, role: Role, departmentID: DepartmentID?, by actor: Actor) throws -> User
    func setActive(_ id: UserID, _ active: Bool, by actor: Actor) throws -> User
    func setOnLeave(_ id: UserID, _ onLeave: Bool, by actor: Actor) throws -> User
    func users() throws -> [User]
    func users(ids: [UserID]) throws -> [UserID: User]
    /// Every user by id, active or not: what pages name owners, authors and actors from. A
    /// backend keeps it in memory while the users are unchanged.
    func userDirectory() throws -> [UserID: User]
    func user(named name: String) throws -> User?
    /// What `actor` may see and administer, from pool access, the department tree and the role.
    func viewer(for actor: Actor) throws -> Viewer
    /// The same viewer from the memos' last readings without reading the store, with the tokens
    /// a statement must see to vouch for it; nil before the memos it needs were first read.
    func viewerFromMemos(for actor: Actor) -> VouchedViewer?

    /// Issues a new API token for the user, expiring at `expiresAt` (nil: never) with `scope`;
    /// the plain token is returned once and stored hashed, with what `apiTokens` lists for it.
    func issueTokenRecord(
        for user: UserID, label: String?, expiresAt: Date?, scope: TokenScope, by actor: Actor?
    ) throws -> (token: String, info: TokenInfo)
    func apiTokens() throws -> [TokenInfo]
    func revokeToken(_ id: Int64, by actor: Actor) throws

    func setPassword(_ user: UserID, _ password: String, hasher: PasswordHasher, by actor: Actor?) throws
    /// Checks a console password; repeated failures lock the account for a while.
    func signIn(name: String, password: String) throws -> SignInResult
    func createSession(for user: UserID, lifetime: TimeInterval) throws -> (token: String, csrf: String)
    /// The signed-in user and the session's CSRF token, or nil for an unknown or expired
    /// session or one unused for `idleTimeout` seconds; a session found is marked used (to the
    /// minute: `SessionUse.touchEvery`).
    func session(_ token: String, idleTimeout: TimeInterval) throws -> (User, String)?
    func endSession(_ token: String) throws
    /// Ends every console session of `user`, audited; returns how many there were.
    func endSessions(of user: UserID, by actor: Actor) throws -> Int

    /// Newest first.
    func notifications(for user: UserID, unreadOnly: Bool, first: Int) throws -> [UserNotification]
    /// Marks the given notifications (nil: all) read; returns how many changed.
    func markNotificationsRead(for user: UserID, ids: [Int64]?) throws -> Int
}

/// Conveniences for set-up code (seeding, tests, the command line) where no signed-in user acts;
/// the audit log records such changes without a user.
extension PeopleStore {
    public func createDepartment(name: String, parentID: DepartmentID?) throws -> Department {
        try createDepartment(name: name, parentID: parentID, by: nil)
    }

    public func createUser(name: String, role: Role, departmentID: DepartmentID?) throws -> User {
        try createUser(name: name, role: role, departmentID: departmentID, by: nil)
    }

    /// A new API token for the user, shown once: never expiring, not limited.
    public func issueToken(for user: UserID, label: String?, by actor: Actor?) throws -> String {
        try issueTokenRecord(for: user, label: label, expiresAt: nil, scope: .full, by: actor).token
    }

    /// The active user a bearer token belongs to, or nil (its scope set aside).
    public func authenticate(token: String) throws -> User? { try grant(forToken: token)?.user }

    public func issueToken(for user: UserID, label: String?) throws -> String {
        try issueToken(for: user, label: label, by: nil)
    }
}

/// How often use is written down: a console session's idle clock and an API token's last use
/// are kept to the minute, so that reading them costs a write at most once a minute each.
public enum SessionUse {
    /// Milliseconds.
    public static let touchEvery: Int64 = 60_000
}
