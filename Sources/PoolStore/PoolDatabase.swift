import Foundation
import PoolDomain

/// Everything the API and the commands need from storage. SQL lives only behind this protocol,
/// so a PostgreSQL backend can be added without touching the domain or the API.
///
/// Operations that change ownership read the customer's facts, ask `PoolDomain` for a decision,
/// and apply it with one conditional write in one transaction.
public protocol PoolDatabase: Sendable {
    /// Runs `body`, whose reads all see one consistent moment of the database, on the calling
    /// thread. Only reads may happen inside: a write would not be visible to later reads.
    func withReadSnapshot<T>(_ body: () throws -> T) throws -> T

    // MARK: People
    func authenticate(token: String) throws -> User?
    func createDepartment(name: String, parentID: DepartmentID?, by actor: Actor?) throws -> Department
    func departments() throws -> [Department]
    func createUser(name: String, role: Role, departmentID: DepartmentID?, by actor: Actor?) throws -> User
    func users() throws -> [User]
    func users(ids: [UserID]) throws -> [UserID: User]
    /// Every user by id, active or not: what pages name owners, authors and actors from. A
    /// backend keeps it in memory while the users are unchanged.
    func userDirectory() throws -> [UserID: User]
    func user(named name: String) throws -> User?
    func department(named name: String) throws -> Department?
    /// Issues a new API token for the user; the plain token is returned once and stored hashed.
    func issueToken(for user: UserID, label: String?, by actor: Actor?) throws -> String

    func setActive(_ id: UserID, _ active: Bool, by actor: Actor) throws -> User
    func setOnLeave(_ id: UserID, _ onLeave: Bool, by actor: Actor) throws -> User
    /// What `actor` may see and administer.
    func viewer(for actor: Actor) throws -> Viewer

    // MARK: Pools and rules
    func createPool(_ draft: PoolDraft, by actor: Actor?) throws -> Pool
    func updatePool(_ id: PoolID, _ draft: PoolDraft, by actor: Actor?) throws -> Pool
    /// Saves the rules as a new version.
    func setRules(_ rules: PoolRules, for pool: PoolID, by actor: Actor) throws -> Pool
    func pools() throws -> [Pool]
    func poolAccess() throws -> [PoolID: [PoolAccessEntry]]
    func ownerLimits() throws -> [LimitScope: OwnerLimit]
    /// Sets (or, with nil, removes) the owner limit of a scope.
    func setOwnerLimit(_ limit: OwnerLimit?, for scope: LimitScope, by actor: Actor?) throws

    // MARK: Customers
    func customers(ids: [CustomerID]) throws -> [CustomerID: Customer]
    func customerPage(_ query: CustomerQuery) throws -> CustomerPage
    func countCustomers(_ filter: CustomerFilter, scope: CustomerScope) throws -> Int
    func createCustomer(_ draft: CustomerDraft, by actor: Actor, intoPool: PoolID?) throws
        -> Customer
    func updateCustomer(_ id: CustomerID, _ draft: CustomerDraft, by actor: Actor) throws
        -> Customer

    // MARK: Ownership operations
    func claim(_ id: CustomerID, by actor: Actor) throws -> Customer
    func release(_ id: CustomerID, by actor: Actor, reason: String, into pool: PoolID?) throws
        -> Customer
    func assign(_ id: CustomerID, to rep: UserID, by actor: Actor, reason: String?) throws
        -> Customer
    func transfer(_ id: CustomerID, to rep: UserID, by actor: Actor, reason: String?) throws
        -> Customer
    func setLocked(_ id: CustomerID, _ locked: Bool, by actor: Actor) throws -> Customer
    func setCollaborator(_ user: UserID, on id: CustomerID, access: CollaboratorAccess?, by actor: Actor) throws -> Customer
    func collaborators(of ids: [CustomerID]) throws -> [CustomerID: [(UserID, CollaboratorAccess)]]
    /// The customer with masked fields revealed, logged.
    func revealContact(_ id: CustomerID, by actor: Actor) throws -> Customer

    // MARK: Reclaim sweep
    func sweep(asOf: Day, dryRun: Bool, trigger: String, batchSize: Int) throws -> SweepReport
    /// The days a catch-up through `through` runs: every day after the last completed run (at
    /// most 31), `through` alone when there was none, none when `through` already ran.
    func missedDays(through: Day) throws -> [Day]
    func sweepRuns(first: Int) throws -> [SweepReport]
    func sweepRun(_ id: Int64) throws -> SweepReport?
    /// One page of a run's items with one outcome (`reclaimed`, `skipped`, `failed`), by customer id.
    func sweepItems(_ run: Int64, outcome: String, after customerID: Int64, first: Int) throws -> [SweepReport.Item]
    func privateCustomers(ownedBy owner: UserID?) throws -> [Customer]
    func previewRules(_ rules: PoolRules, for pool: PoolID, today: Day, batchSize: Int) throws -> RulePreview
    var calendar: LocalCalendar { get }

    // MARK: Webhooks
    func registerWebhook(url: String, kinds: [WebhookEventKind], by actor: Actor) throws -> (WebhookEndpoint, secret: String)
    func setWebhookActive(_ id: Int64, _ active: Bool, by actor: Actor) throws
    func webhooks() throws -> [WebhookEndpoint]
    func deliveries(status: WebhookDelivery.Status?, first: Int) throws -> [WebhookDelivery]
    func retryDelivery(_ id: Int64, by actor: Actor) throws

    // MARK: Notifications and metrics
    func notifications(for user: UserID, unreadOnly: Bool, first: Int) throws -> [UserNotification]
    func markNotificationsRead(for user: UserID, ids: [Int64]?) throws -> Int
    func repMetrics(users: [UserID], from: Date, to: Date) throws -> [RepMetrics]
    func poolMetrics(pools: [PoolID], from: Date, to: Date) throws -> [PoolMetrics]
    func assignmentFairness(pool: PoolID, from: Date, to: Date) throws -> AssignmentFairness

    // MARK: Follow-ups and history
    func addFollowUp(
        to id: CustomerID, kind: FollowUpKind, text: String, at: Date?, by actor: Actor
    ) throws -> FollowUp
    /// The newest follow-ups of each customer, newest first, at most `limitEach` per customer.
    func followUps(of ids: [CustomerID], limitEach: Int) throws -> [CustomerID: [FollowUp]]
    /// Ownership events after `id`, oldest first, of customers in `scope` (the feed).
    func ownershipEvents(after id: Int64, scope: CustomerScope, first: Int) throws -> [OwnershipEvent]
    /// Each customer's ownership history, oldest first.
    func ownershipEvents(of ids: [CustomerID]) throws -> [CustomerID: [OwnershipEvent]]
}

/// Conveniences for set-up code (seeding, tests, the command line) where no signed-in user acts;
/// the audit log records such changes without a user.
extension PoolDatabase {
    public func createDepartment(name: String, parentID: DepartmentID?) throws -> Department {
        try createDepartment(name: name, parentID: parentID, by: nil)
    }

    public func createUser(name: String, role: Role, departmentID: DepartmentID?) throws -> User {
        try createUser(name: name, role: role, departmentID: departmentID, by: nil)
    }

    public func issueToken(for user: UserID, label: String?) throws -> String {
        try issueToken(for: user, label: label, by: nil)
    }

    public func createPool(_ draft: PoolDraft) throws -> Pool { try createPool(draft, by: nil) }
}

/// What the admin console needs beyond the API: accounts, sessions, tokens and the audit log.
public protocol ConsoleStore: Sendable {
    func setPassword(_ user: UserID, _ password: String, hasher: PasswordHasher, by actor: Actor?) throws
    func signIn(name: String, password: String) throws -> SignInResult
    func createSession(for user: UserID, lifetime: TimeInterval) throws -> (token: String, csrf: String)
    func session(_ token: String) throws -> (User, String)?
    func endSession(_ token: String) throws
    func updateUser(_ id: UserID, role: Role, departmentID: DepartmentID?, by actor: Actor) throws -> User
    func apiTokens() throws -> [TokenInfo]
    func revokeToken(_ id: Int64, by actor: Actor) throws
    func auditLog(first: Int, before: Int64?) throws -> [AuditEntry]
    /// `actor` nil: the server itself or an operator at the database file.
    func recordAudit(_ actor: Actor?, _ action: String, _ entity: String, before: String?, after: String?) throws
    func dailyEventCounts(days: Int, through: Day) throws -> [Day: [String: Int]]
    /// Where an existing record of this customer is, as far as `actor` may see, or nil.
    func duplicate(of draft: CustomerDraft, for actor: Actor) throws -> DuplicateMatch?
}

extension SQLitePoolDatabase: ConsoleStore {}
