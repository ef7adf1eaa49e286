import CoreMetrics
import Foundation
import PoolDomain

/// The reclaim sweep, its recorded runs and rule previews, written once for both backends.
///
/// A run evaluates every private customer in bounded batches, reclaims the due ones (each write
/// conditional on the facts evaluated), warns owners of customers inside their pool's warning
/// window, and records the run. A dry run writes nothing. Memory stays bounded by the batch: a
/// run's items go to `sweep_items` only, and the returned report carries the counts (`run(id)`
/// reads the items back); a dry run's report carries its items.
public struct SweepEngine<Store: SQLTransactions> {
    typealias Session = Store.Session
    let store: Store
    let now: Date
    let metrics: (any MetricsFactory)?

    public init(_ store: Store, now: Date, metrics: (any MetricsFactory)? = nil) {
        self.store = store
        self.now = now
        self.metrics = metrics
    }

    var calendar: LocalCalendar { store.calendar }

    public func sweep(asOf: Day, dryRun: Bool, trigger: String, batchSize: Int) throws -> SweepReport {
        let start = DispatchTime.now()
        var report = SweepReport(runId: nil, asOf: asOf, dryRun: dryRun)
        if !dryRun { report.runId = try startRun(asOf: asOf, trigger: trigger) }
        do {
            let pools = try store.pools()
            let router = PoolRouter(pools: pools)
            let byID = Dictionary(uniqueKeysWithValues: pools.map { ($0.id, $0) })
            let ownerNames = try userNames()
            var routes = RouteMemo()
            var lastID: Int64 = 0
            while true {
                let batch = try store.read { try CustomerQueries($0).privateCustomers(after: lastID, limit: batchSize) }
                guard let last = batch.last else { break }
                lastID = last.id.rawValue
                var due: [Due] = []
                var warnings: [(Customer, ReclaimDue)] = []
                for customer in batch {
                    guard let (poolID, routedBy) = routes.route(customer, router), let pool = byID[poolID] else { continue }
                    report.evaluated += 1
                    guard let assessment = ReclaimEvaluator.assess(ReclaimFacts(customer), rules: pool.rules.reclaim, calendar: calendar).due
                    else { continue }
                    let daysAway = calendar.days(from: asOf, to: assessment.reclaimOn)
                    if daysAway <= 0 {
                        due.append(Due(customer: customer, assessment: assessment, pool: pool, routedBy: routedBy))
                    } else if daysAway <= pool.rules.reclaim.warningDays {
                        warnings.append((customer, assessment))
                    }
                }
                if dryRun {
                    for entry in due {
                        report.reclaimed += 1
                        report.reclaimedCustomers.append(
                            try store.read { try item($0, entry, ReclaimReason.describe(entry.assessment), ownerNames) })
                    }
                } else {
                    try applyBatch(due, warnings, ownerNames: ownerNames, report: &report)
                }
            }
            report.status = "completed"
        } catch {
            report.status = "failed"
            if let runID = report.runId { try? finishRun(runID, report) }
            throw error
        }
        if let runID = report.runId { try finishRun(runID, report) }
        if let metrics, !dryRun { record(report, since: start, metrics) }
        return report
    }

    /// The days a catch-up through `through` runs (see `SweepStore.missedDays`).
    public func missedDays(through: Day) throws -> [Day] {
        let last = try store.read { session in
            try session.fetchOne("SELECT max(as_of) FROM sweep_runs WHERE status = 'completed'") { $0.optionalText(0) }
        }.flatMap { $0 }.flatMap(Day.init)
        guard let last else { return [through] }
        let gap = calendar.days(from: last, to: through)
        guard gap > 0 else { return [] }
        return (max(1, gap - 30)...gap).map { calendar.adding($0, to: last) }
    }

    // MARK: Applying a batch

    struct Due {
        let customer: Customer
        let assessment: ReclaimDue
        let pool: Pool
        let routedBy: RoutingReason
    }

    /// Applies one batch in one transaction. Each customer's changes must be all or nothing, so
    /// that a failure leaves that customer as it was and the rest of the batch goes on. A
    /// savepoint per customer gives that, but costs a sub-journal write of every page the customer
    /// touches on SQLite (a fifth of the sweep's writes at 1M customers) and a subtransaction on
    /// PostgreSQL, so the batch first runs without them: a stale or lost decision fails before
    /// anything is written and needs no undoing. Only an error after a write (or, on PostgreSQL,
    /// any database error, which aborts the transaction) rolls the batch back and runs it again
    /// with a savepoint per customer.
    private func applyBatch(_ due: [Due], _ warnings: [(Customer, ReclaimDue)], ownerNames: [UserID: String], report: inout SweepReport) throws {
        do {
            try applyBatch(due, warnings, ownerNames: ownerNames, guarded: false, report: &report)
        } catch is HalfWrittenCustomer {
            try applyBatch(due, warnings, ownerNames: ownerNames, guarded: true, report: &report)
        }
    }

    private func applyBatch(
        _ due: [Due], _ warnings: [(Customer, ReclaimDue)], ownerNames: [UserID: String], guarded: Bool, report: inout SweepReport
    ) throws {
        let runID = report.runId
        var outcome = report
        try store.writeTransaction { session in
            let writes = store.writes(session)
            for entry in due {
                let customer = entry.customer
                var change = Ownership.reclaim(
                    customer, due: entry.assessment, ruleVersion: entry.pool.ruleVersion, into: entry.pool.id, routedBy: entry.routedBy, at: now)
                change.sweepRunID = runID
                let item = try item(session, entry, change.reason ?? "", ownerNames)
                let writtenBefore = session.rowsWritten
                func reclaim() throws {
                    try writes.apply(change)
                    try writes.notify(
                        user: customer.ownerID!, kind: "reclaimed", customer: customer.id,
                        message: "客户已回收 / reclaimed: \(customer.name) — \(change.reason ?? "")", at: now)
                    try writes.autoAssign(customer.id, into: entry.pool, at: now)
                }
                do {
                    if guarded { try session.savepoint(reclaim) } else { try reclaim() }
                    try record(session, runID, item, outcome: "reclaimed")
                    outcome.reclaimed += 1
                } catch where !guarded && (session.rowsWritten != writtenBefore || abortsTransaction(error)) {
                    throw HalfWrittenCustomer()
                } catch is StaleDecision {
                    try skip(session, runID, item, "跟进或更新于评估之后 / changed since it was evaluated", &outcome)
                } catch PoolError.alreadyOwned {
                    try skip(session, runID, item, "已被他人变更 / moved by someone else", &outcome)
                } catch {
                    var failed = item
                    failed.reason = "failed: \(type(of: error))"
                    try record(session, runID, failed, outcome: "failed")
                    outcome.failed += 1
                }
            }
            for (customer, assessment) in warnings {
                let sent = try writes.notify(
                    user: customer.ownerID!, kind: "reclaim_warning", customer: customer.id,
                    message: "客户将于 \(assessment.reclaimOn) 回收 / \(customer.name) will be reclaimed on \(assessment.reclaimOn): \(ReclaimReason.describe(assessment))",
                    dueOn: assessment.reclaimOn, at: now)
                if sent { outcome.warned += 1 }
            }
        }
        report = outcome
    }

    /// A database error on PostgreSQL aborts the whole transaction; the domain's own refusals
    /// (thrown before any statement fails) do not.
    private func abortsTransaction(_ error: any Error) -> Bool {
        Session.dialect.errorAbortsTransaction && !(error is StaleDecision) && !(error is PoolError)
    }

    private func skip(_ session: Session, _ runID: Int64?, _ entry: SweepReport.Item, _ reason: String, _ report: inout SweepReport) throws {
        var skipped = entry
        skipped.reason = reason
        try record(session, runID, skipped, outcome: "skipped")
        report.skipped += 1
    }

    private func record(_ session: Session, _ runID: Int64?, _ item: SweepReport.Item, outcome: String) throws {
        guard let runID else { return }
        try session.execute(
            """
            INSERT INTO sweep_items (run_id, customer_id, outcome, rule, reason, previous_owner_id, pool_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id, customer_id) DO UPDATE SET outcome = excluded.outcome, rule = excluded.rule,
              reason = excluded.reason, previous_owner_id = excluded.previous_owner_id, pool_id = excluded.pool_id
            """,
            [.int(runID), .int(item.customerId), .text(outcome), SQLValue(item.rule), .text(item.reason),
             SQLValue(item.previousOwnerId), SQLValue(item.poolId)])
    }

    /// `names`: every user's name as the run began; a user added since is looked up.
    private func item(_ session: Session, _ entry: Due, _ reason: String, _ names: [UserID: String]) throws -> SweepReport.Item {
        let customer = entry.customer
        let owner = try customer.ownerID.flatMap { names[$0] } ?? store.writes(session).ownerName(customer)
        return SweepReport.Item(
            customerId: customer.id.rawValue, customerName: customer.name, previousOwnerId: customer.ownerID?.rawValue,
            previousOwner: owner, rule: entry.assessment.rule.rawValue, poolId: entry.pool.id.rawValue, pool: entry.pool.name, reason: reason)
    }

    private func userNames() throws -> [UserID: String] {
        try store.read { session in
            Dictionary(
                try session.fetchAll("SELECT id, name FROM users") { (UserID($0.int64(0)), $0.text(1)) },
                uniquingKeysWith: { first, _ in first })
        }
    }

    /// Marks runs left `running` by a crash as failed, then opens a new run. Only the process
    /// holding the sweep (`SweepStore.exclusively`) runs this, so a run still `running` is dead.
    private func startRun(asOf: Day, trigger: String) throws -> Int64 {
        try store.writeTransaction { session in
            try session.execute("UPDATE sweep_runs SET status = 'failed', finished_at = ? WHERE status = 'running'", [.int(Timestamp.encode(now))])
            return try session.insert(
                "INSERT INTO sweep_runs (as_of, started_at, status, triggered_by) VALUES (?, ?, 'running', ?)",
                [.text(asOf.description), .int(Timestamp.encode(now)), .text(trigger)])
        }
    }

    private func finishRun(_ id: Int64, _ report: SweepReport) throws {
        _ = try store.writeTransaction { session in
            try session.execute(
                "UPDATE sweep_runs SET status = ?, finished_at = ?, evaluated = ?, reclaimed = ?, skipped = ?, failed = ?, warned = ? WHERE id = ?",
                [.text(report.status), .int(Timestamp.encode(now)), SQLValue(report.evaluated), SQLValue(report.reclaimed),
                 SQLValue(report.skipped), SQLValue(report.failed), SQLValue(report.warned), .int(id)])
        }
    }

    private func record(_ report: SweepReport, since start: DispatchTime, _ metrics: any MetricsFactory) {
        Timer(label: "gonghai_sweep_duration_seconds", factory: metrics).recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds)
        for (outcome, count) in [("reclaimed", report.reclaimed), ("skipped", report.skipped), ("failed", report.failed), ("warned", report.warned)] {
            Counter(label: "gonghai_sweep_customers_total", dimensions: [("outcome", outcome)], factory: metrics).increment(by: count)
        }
    }

    // MARK: Reading runs

    public func runs(first: Int) throws -> [SweepReport] {
        try store.read { session in
            try session.fetchAll("SELECT \(Self.runColumns) FROM sweep_runs ORDER BY id DESC LIMIT ?", [.int(Int64(first))], Self.run)
        }
    }

    static var runColumns: String { "id, as_of, status, evaluated, reclaimed, skipped, failed, warned" }

    static func run(_ row: Session.Row) -> SweepReport {
        var report = SweepReport(runId: row.int64(0), asOf: Day(row.text(1)) ?? Day(year: 1970, month: 1, day: 1), dryRun: false)
        report.status = row.text(2)
        report.evaluated = row.int(3)
        report.reclaimed = row.int(4)
        report.skipped = row.int(5)
        report.failed = row.int(6)
        report.warned = row.int(7)
        return report
    }

    /// One recorded run with its reclaimed and skipped items.
    public func run(_ id: Int64) throws -> SweepReport? {
        guard var report = try store.read({ try $0.fetchOne("SELECT \(Self.runColumns) FROM sweep_runs WHERE id = ?", [.int(id)], Self.run) })
        else { return nil }
        for outcome in ["reclaimed", "skipped"] {
            var after: Int64 = 0
            while true {
                let page = try items(id, outcome: outcome, after: after, first: 1000)
                guard let last = page.last else { break }
                if outcome == "reclaimed" { report.reclaimedCustomers += page } else { report.skippedCustomers += page }
                after = last.customerId
            }
        }
        return report
    }

    /// One page of a run's items with one outcome, by customer id, with names as they are now.
    public func items(_ run: Int64, outcome: String, after customerID: Int64, first: Int) throws -> [SweepReport.Item] {
        try store.read { session in
            try session.fetchAll(
                """
                SELECT i.customer_id, c.name, i.previous_owner_id, u.name, i.rule, i.pool_id, p.name, i.reason
                FROM sweep_items i JOIN customers c ON c.id = i.customer_id
                LEFT JOIN users u ON u.id = i.previous_owner_id LEFT JOIN pools p ON p.id = i.pool_id
                WHERE i.run_id = ? AND i.outcome = ? AND i.customer_id > ? ORDER BY i.customer_id LIMIT ?
                """, [.int(run), .text(outcome), .int(customerID), .int(Int64(first))]
            ) { row in
                SweepReport.Item(
                    customerId: row.int64(0), customerName: row.text(1), previousOwnerId: row.optionalInt64(2),
                    previousOwner: row.optionalText(3), rule: row.optionalText(4), poolId: row.optionalInt64(5),
                    pool: row.optionalText(6), reason: row.text(7))
            }
        }
    }

    // MARK: Previews

    /// What `rules` would reclaim among the private customers governed by `pool`; writes nothing.
    ///
    /// The governed customers are the (industry, region) pairs the router sends to the pool, read
    /// from the tallies of private customers (their count is `evaluated`); the database decides
    /// which of them the proposed rules reclaim today, within 7 and within 30 days with the
    /// forecast's exact conditions (`ReclaimForecastSQL`, held to the sweep's evaluator by
    /// tests), so only the soonest few are evaluated here, for the list (`listed`, read whole).
    public func preview(_ rules: PoolRules, for pool: PoolID, today: Day, listed: Int = 200) throws -> RulePreview {
        let pools = try store.pools()
        guard pools.contains(where: { $0.id == pool }) else { throw PoolError.notFound(entity: "Pool") }
        let rules = try rules.validated()
        let router = PoolRouter(pools: pools)
        let pairs = try store.read { session in
            try session.fetchAll("SELECT industry, region, customers FROM customer_tallies WHERE pool_id = 0 AND customers > 0") {
                (industry: $0.text(0), region: $0.text(1), customers: $0.int(2))
            }
        }.filter { router.route(industry: $0.industry.isEmpty ? nil : $0.industry, region: $0.region.isEmpty ? nil : $0.region)?.0 == pool }
        var preview = RulePreview()
        guard !pairs.isEmpty else { return preview }
        preview.evaluated = pairs.map(\.customers).reduce(0, +)
        let forecast = ReclaimForecastSQL(pools: pools, calendar: calendar, dialect: Session.dialect)
        let governed = SQLFragment(
            "(coalesce(industry, ''), coalesce(region, '')) IN (VALUES " + pairs.map { _ in "(?, ?)" }.joined(separator: ", ") + ")",
            pairs.flatMap { [SQLValue.text($0.industry), .text($0.region)] })
        func due(within days: Int) -> SQLFragment { forecast.due(under: rules.reclaim, by: calendar.adding(days, to: today)) }
        // One pass over the owned customers' covering index (`customers_reclaim_at`): the
        // exact windows in SQL (the forecast's own conditions), and each one's instant, by
        // which the soonest are found without evaluating the rest in Swift.
        let statement = SQLFragment("SELECT id, owner_id, CASE WHEN ") + due(within: 0) + " THEN 0 WHEN " + due(within: 7)
            + " THEN 1 ELSE 2 END, " + forecast.dueInstant(under: rules.reclaim) + " FROM customers WHERE "
            + SQLFragment.all([governed, due(within: 30)])
        let rows = try store.read { session in
            try session.fetchAll(statement) { row in
                (id: row.int64(0), owner: UserID(row.int64(1)), window: RulePreview.Window(rawValue: row.int(2)) ?? .within30Days,
                 instant: row.optionalInt64(3) ?? .max)
            }
        }
        preview.count(rows.map { ($0.owner, $0.window) })
        preview.entries = try soonest(rows.map { ($0.id, $0.instant) }, listed: listed, rules: rules.reclaim, today: today)
        return preview
    }

    /// The `listed` customers due soonest, by day and then id, with their exact due. A
    /// customer's day is its instant's day plus one, give or take a clock change, so every
    /// customer more than two days after the `listed`-th soonest instant comes after it by day
    /// too: only those up to there are evaluated (in Swift, as the sweep would).
    private func soonest(_ instants: [(id: Int64, instant: Int64)], listed: Int, rules: ReclaimRules, today: Day) throws -> [RulePreview.Entry] {
        guard listed > 0, !instants.isEmpty else { return [] }
        let sorted = instants.sorted { ($0.instant, $0.id) < ($1.instant, $1.id) }
        let edge = sorted[min(listed, sorted.count) - 1].instant
        let ids = sorted.prefix { $0.instant - edge <= 2 * 86_400_000 }.map(\.id)
        let facts = try store.read { session in
            try session.fetchAll(
                SQLFragment(
                    """
                    SELECT id, owner_id, level, status, locked, created_at, owner_since, last_follow_up_at, last_progress_at
                    FROM customers WHERE id IN (\(Session.dialect.idList))
                    """, [SQLList.ids(ids)]), Self.facts)
        }
        let due = facts.compactMap { fact in
            ReclaimEvaluator.assess(fact, rules: rules, calendar: calendar).due.map { (fact.customerID, $0) }
        }.sorted { ($0.1.reclaimOn, $0.0) < ($1.1.reclaimOn, $1.0) }.prefix(listed)
        let customers = try store.read { try CustomerReads($0).customers(ids: due.map(\.0)) }
        return due.compactMap { id, due in customers[id].map { RulePreview.Entry(customer: $0, due: due) } }
    }

    private static func facts(_ row: Session.Row) -> ReclaimFacts {
        ReclaimFacts(
            customerID: CustomerID(row.int64(0)), ownerID: UserID(row.int64(1)), level: row.optionalText(2),
            status: CustomerStatus(rawValue: row.text(3)) ?? .lead, locked: row.bool(4), createdAt: Timestamp.decode(row.int64(5)),
            ownerSince: Timestamp.decode(optional: row.optionalInt64(6)), lastFollowUpAt: Timestamp.decode(optional: row.optionalInt64(7)),
            lastProgressAt: Timestamp.decode(optional: row.optionalInt64(8)))
    }
}

/// Routes by (industry, region) pair, each pair worked out once per pass: a million customers
/// share a few dozen pairs, and matching compares names case-insensitively.
private struct RouteMemo {
    private struct Key: Hashable {
        let industry: String?
        let region: String?
    }

    private var routes: [Key: (PoolID, RoutingReason)?] = [:]

    mutating func route(_ customer: Customer, _ router: PoolRouter) -> (PoolID, RoutingReason)? {
        let key = Key(industry: customer.industry, region: customer.region)
        if let known = routes[key] { return known }
        let route = router.route(industry: customer.industry, region: customer.region)
        routes[key] = route
        return route
    }
}

/// A customer's reclaim failed after part of it was written, in a batch run without savepoints:
/// the batch is rolled back and run again with one savepoint per customer.
private struct HalfWrittenCustomer: Error {}

/// A backend on the shared SQL sweeps, keeps its runs and previews rules with `SweepEngine`;
/// it says only how one process at a time holds the sweep (`SweepStore.exclusively`).
public protocol SQLSweeping: SQLTransactions {
    var clock: any TimeSource { get }
    var metrics: (any MetricsFactory)? { get }
}

extension SQLSweeping {
    public func sweep(asOf: Day, dryRun: Bool, trigger: String, batchSize: Int = 500) throws -> SweepReport {
        try SweepEngine(self, now: clock.now(), metrics: metrics).sweep(asOf: asOf, dryRun: dryRun, trigger: trigger, batchSize: batchSize)
    }

    public func missedDays(through: Day) throws -> [Day] {
        try SweepEngine(self, now: clock.now()).missedDays(through: through)
    }

    public func sweepRuns(first: Int) throws -> [SweepReport] {
        try SweepEngine(self, now: clock.now()).runs(first: first)
    }

    public func sweepRun(_ id: Int64) throws -> SweepReport? {
        try SweepEngine(self, now: clock.now()).run(id)
    }

    public func sweepItems(_ run: Int64, outcome: String, after customerID: Int64, first: Int) throws -> [SweepReport.Item] {
        try SweepEngine(self, now: clock.now()).items(run, outcome: outcome, after: customerID, first: first)
    }

    public func previewRules(_ rules: PoolRules, for pool: PoolID, today: Day) throws -> RulePreview {
        try SweepEngine(self, now: clock.now()).preview(rules, for: pool, today: today)
    }
}
