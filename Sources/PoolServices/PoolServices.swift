import PoolDomain
import PoolServices
import PoolStore

/// The application layer: every use case, grouped by area, for one store and one clock. Each
/// function takes the acting user and decides, in this order and nowhere else, whether they
/// may (through `AccessPolicy`), what they may see, whether the input is usable, and then asks
/// the store to write with its event, audit and outbox rows.
///
/// `by: nil` stands for the server itself or an operator at the database file (the command
/// line); only those adapters pass it.
public struct PoolServices: Sendable {
    public let store: any PoolDatabase
    public let clock: any TimeSource
    public let settings: ServiceSettings

    public init(store: any PoolDatabase, clock: any TimeSource, settings: ServiceSettings = .standard) {
        self.store = store
        self.clock = clock
        self.settings = settings
    }

    public var sweeps: SweepService { SweepService(store: store, clock: clock) }
    public var pools: PoolAdministration { PoolAdministration(store: store, clock: clock, heavyWork: settings.heavyWork) }
    public var people: PeopleAdministration { PeopleAdministration(store: store, clock: clock) }
    public var webhooks: WebhookAdministration { WebhookAdministration(store: store, targets: settings.webhookTargets) }
    public var metrics: TeamMetrics { TeamMetrics(store: store, clock: clock, heavyWork: settings.heavyWork) }
    public var customers: CustomerAccess { CustomerAccess(store: store) }
    public var operations: CustomerOperations { CustomerOperations(store: store, access: accessRecords) }
    public var imports: CustomerImport { CustomerImport(store: store, heavyWork: settings.heavyWork) }
    /// The gate of the heavy operations (a streamed export takes its place here).
    public var heavyWork: HeavyWork { settings.heavyWork }
    public var notifications: Notifications { Notifications(store: store) }
    public var sessions: Sessions { Sessions(store: store, idleTimeout: settings.sessionIdleTimeout) }
    public var accessRecords: AccessRecords { AccessRecords(store: store, clock: clock, watch: settings.accessWatch, onAlert: settings.onAlert) }
    public var dataProtection: DataProtection { DataProtection(store: store, clock: clock, retentionDays: settings.retentionDays) }

    /// Whether the actor's credential allows changes at all (a read-only API token does not):
    /// asked once before any mutation of a request runs, so none of it starts.
    public func requireWrites(by actor: Actor) throws { try AccessPolicy.requireWrites(by: actor) }
}

/// Refuses unless `actor` may do `action`; nil (the server, an operator) always may.
func require(_ action: AccessPolicy.Action, by actor: Actor?) throws {
    if let actor { try AccessPolicy.require(action, by: actor) }
}
