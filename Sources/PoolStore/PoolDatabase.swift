import PoolDomain

/// Everything the application layer needs from storage, one protocol per area (see
/// `Interfaces/`). Each promises behaviour, not technology: SQL lives only behind them, so a
/// second backend sits beside `SQLitePoolDatabase` without touching the domain, the services
/// or the adapters.
public typealias PoolDatabase = ReadSnapshots & PeopleStore & PoolRuleStore & CustomerStore & OwnershipStore
    & SweepStore & WebhookAuditStore & MetricsStore & DataProtectionStore & ReclaimForecastStore
    & CustomerRowStore
