import CoreMetrics
import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    /// Runs the reclaim sweep for `asOf`: evaluates every private customer in bounded batches,
    /// reclaims the due ones (each write conditional on the facts evaluated), warns owners of
    /// customers inside their pool's warning window, and records the run. A dry run writes nothing.
    ///
    /// Memory stays bounded by the batch: a run's items go to `sweep_items` only, and the
    /// returned report carries the counts (`sweepRun(id)` reads the items back). A dry run
    /// writes nothing, so its report carries its items.
    public func sweep(asOf: Day, dryRun: Bool, trigger: String, batchSize: Int = 500) throws -> SweepReport {
        let now = clock.now()
        let start = DispatchTime.now()
        var report = SweepReport(runId: nil, asOf: asOf, dryRun: dryRun)
        if !dryRun { report.runId = try startRun(asOf: asOf, trigger: trigger, at: now) }
        do {
            let pools = try self.pools()
            let router = PoolRouter(pools: pools)
            let byID = Dictionary(uniqueKeysWithValues: pools.map { ($0.id, $0) })
            let ownerNames = try userNames()
            var routes = RouteMemo()
            var lastID: Int64 = 0
            while true {
                let batch = try privateCustomers(after: lastID, limit: batchSize)
                guard let last = batch.last else { break }
                lastID = last.id.rawValue
                var due: [(Customer, ReclaimDue, Pool, RoutingReason)] = []
                var warnings: [(Customer, ReclaimDue)] = []
                for customer in batch {
                    guard let (poolID, routedBy) = routes.route(customer, router),
                        let pool = byID[poolID]
                    else { continue }
                    report.evaluated += 1
                    guard let assessment = ReclaimEvaluator.assess(ReclaimFacts(customer), rules: pool.rules.reclaim, calendar: calendar).due else { continue }
                    let daysAway = calendar.days(from: asOf, to: assessment.reclaimOn)
                    if daysAway <= 0 {
                        due.append((customer, assessment, pool, routedBy))
                    } else if daysAway <= pool.rules.reclaim.warningDays {
                        warnings.append((customer, assessment))
                    }
                }
                if dryRun {
                    for (customer, assessment, pool, _) in due {
                        report.reclaimed += 1
                        report.reclaimedCustomers.append(
                            try item(customer, assessment.rule.rawValue, pool, ReclaimReason.describe(assessment), ownerNames))
                    }
                } else {
                    try applyBatch(due, warnings, now: now, ownerNames: ownerNames, report: &report)
                }
            }
            report.status = "completed"
        } catch {
            report.status = "failed"
            if let runID = report.runId { try? finishRun(runID, report) }
            throw error
        }
        if let runID = report.runId { try finishRun(runID, report) }
        if let metrics, !dryRun {
            Timer(label: "gonghai_sweep_duration_seconds", factory: metrics).recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds)
            for (outcome, count) in [("reclaimed", report.reclaimed), ("skipped", report.skipped), ("failed", report.failed), ("warned", report.warned)] {
                Counter(label: "gonghai_sweep_customers_total", dimensions: [("outcome", outcome)], factory: metrics).increment(by: count)
            }
        }
        return report
    }

    public func missedDays(through: Day) throws -> [Day] {
        let last = try read { db in
            try String.fetchOne(db, cachedSQL: "SELECT max(as_of) FROM sweep_runs WHERE status = 'completed'")
        }.flatMap(Day.init)
        guard let last else { return [through] }
        let gap = calendar.days(from: last, to: through)
        guard gap > 0 else { return [] }
        return (max(1, gap - 30)...gap).map { calendar.adding($0, to: last) }
    }

    /// Applies one batch in one transaction. Each customer's changes must be all or nothing, so
    /// that a failure leaves that customer as it was and the rest of the batch goes on. A
    /// savepoint per customer gives that, but costs a sub-journal write of every page the customer
    /// touches (a fifth of the sweep's writes at 1M customers), so the batch first runs without
    /// them: a stale or lost decision fails before anything is written and needs no undoing.
    /// Only an error after a write rolls the batch back and runs it again, guarded.
    private func applyBatch(
        _ due: [(Customer, ReclaimDue, Pool, RoutingReason)], _ warnings: [(Customer, ReclaimDue)],
        now: Date, ownerNames: [UserID: String], report: inout SweepReport
    ) throws {
        do {
            try applyBatch(due, warnings, now: now, ownerNames: ownerNames, guarded: false, report: &report)
        } catch is HalfWrittenCustomer {
            try applyBatch(due, warnings, now: now, ownerNames: ownerNames, guarded: true, report: &report)
        }
    }

    private func applyBatch(
        _ due: [(Customer, ReclaimDue, Pool, RoutingReason)], _ warnings: [(Customer, ReclaimDue)],
        now: Date, ownerNames: [UserID: String], guarded: Bool, report: inout SweepReport
    ) throws {
        let runID = report.runId
        var outcome = report
        try writeTransaction { db in
            for (customer, assessment, pool, routedBy) in due {
                var change = Ownership.reclaim(
                    customer, due: assessment, ruleVersion: pool.ruleVersion, into: pool.id, routedBy: routedBy, at: now)
                change.sweepRunID = runID
                let entry = try item(db, customer, assessment.rule.rawValue, pool, change.reason ?? "", ownerNames)
                let writesBefore = db.totalChangesCount
                func reclaim() throws {
                    try apply(change, db)
                    try notify(
                        db, user: customer.ownerID!, kind: "reclaimed", customer: customer.id,
                        message: "客户已回收 / reclaimed: \(customer.name) — \(change.reason ?? "")", at: now)
                    try autoAssign(db, customer.id, into: pool, at: now)
                }
                do {
                    if guarded {
                        try db.inSavepoint {
                            try reclaim()
                            return .commit
                        }
                    } else {
                        try reclaim()
                    }
                    try record(db, runID, entry, outcome: "reclaimed")
                    outcome.reclaimed += 1
                } catch where !guarded && db.totalChangesCount != writesBefore {
                    throw HalfWrittenCustomer()
                } catch is StaleDecision {
                    try skip(db, runID, entry, "跟进或更新于评估之后 / changed since it was evaluated", &outcome)
                } catch PoolError.alreadyOwned {
                    try skip(db, runID, entry, "已被他人变更 / moved by someone else", &outcome)
                } catch {
                    var failed = entry
                    failed.reason = "failed: \(type(of: error))"
                    try record(db, runID, failed, outcome: "failed")
                    outcome.failed += 1
                }
            }
            for (customer, assessment) in warnings {
                try notify(
                    db, user: customer.ownerID!, kind: "reclaim_warning", customer: customer.id,
                    message: "客户将于 \(assessment.reclaimOn) 回收 / \(customer.name) will be reclaimed on \(assessment.reclaimOn): \(ReclaimReason.describe(assessment))",
                    dueOn: assessment.reclaimOn, at: now)
                outcome.warned += db.changesCount
            }
        }
        report = outcome
    }

    private func skip(_ db: Database, _ runID: Int64?, _ entry: SweepReport.Item, _ reason: String, _ report: inout SweepReport) throws {
        var skipped = entry
        skipped.reason = reason
        try record(db, runID, skipped, outcome: "skipped")
        report.skipped += 1
    }

    private func record(_ db: Database, _ runID: Int64?, _ item: SweepReport.Item, outcome: String) throws {
        guard let runID else { return }
        try db.execute(
            cachedSQL: """
                INSERT OR REPLACE INTO sweep_items (run_id, customer_id, outcome, rule, reason, previous_owner_id, pool_id)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [runID, item.customerId, outcome, item.rule, item.reason, item.previousOwnerId, item.poolId])
    }

    private func item(
        _ customer: Customer, _ rule: String, _ pool: Pool, _ reason: String, _ names: [UserID: String]
    ) throws -> SweepReport.Item {
        try read { db in try item(db, customer, rule, pool, reason, names) }
    }

    /// `names`: every user's name as the run began; a user added since is looked up.
    private func item(
        _ db: Database, _ customer: Customer, _ rule: String, _ pool: Pool, _ reason: String, _ names: [UserID: String]
    ) throws -> SweepReport.Item {
        let owner = try customer.ownerID.flatMap { names[$0] } ?? ownerName(db, customer)
        return SweepReport.Item(
            customerId: customer.id.rawValue, customerName: customer.name, previousOwnerId: customer.ownerID?.rawValue,
            previousOwner: owner, rule: rule, poolId: pool.id.rawValue, pool: pool.name, reason: reason)
    }

    private func userNames() throws -> [UserID: String] {
        try read { db in
            Dictionary(
                try db.fetchAll(cachedSQL: "SELECT id, name FROM users") { (UserID($0.int64(0)), $0.text(1)) },
                uniquingKeysWith: { first, _ in first })
        }
    }

    /// Marks runs left `running` by a crash as failed, then opens a new run.
    private func startRun(asOf: Day, trigger: String, at now: Date) throws -> Int64 {
        try writeTransaction { db in
            try db.execute(cachedSQL: "UPDATE sweep_runs SET status = 'failed', finished_at = ? WHERE status = 'running'", arguments: [Timestamp.encode(now)])
            try db.execute(
                cachedSQL: "INSERT INTO sweep_runs (as_of, started_at, status, triggered_by) VALUES (?, ?, 'running', ?)",
                arguments: [asOf.description, Timestamp.encode(now), trigger])
            return db.lastInsertedRowID
        }
    }

    private func finishRun(_ id: Int64, _ report: SweepReport) throws {
        try writeTransaction { db in
            try db.execute(
                cachedSQL: """
                    UPDATE sweep_runs SET status = ?, finished_at = ?, evaluated = ?, reclaimed = ?, skipped = ?,
                      failed = ?, warned = ? WHERE id = ?
                    """,
                arguments: [
                    report.status, nowMillis, report.evaluated, report.reclaimed, report.skipped, report.failed,
                    report.warned, id,
                ])
        }
    }

    // MARK: Reading runs

    public func sweepRuns(first: Int) throws -> [SweepReport] {
        try read { db in
            try Row.fetchAll(db, cachedSQL: "SELECT * FROM sweep_runs ORDER BY id DESC LIMIT ?", arguments: [first]).map(Self.run)
        }
    }

    private static func run(_ row: Row) -> SweepReport {
        var report = SweepReport(runId: row["id"], asOf: Day(row["as_of"]) ?? Day(year: 1970, month: 1, day: 1), dryRun: false)
        report.status = row["status"]
        report.evaluated = row["evaluated"]
        report.reclaimed = row["reclaimed"]
        report.skipped = row["skipped"]
        report.failed = row["failed"]
        report.warned = row["warned"]
        return report
    }

    public func sweepRun(_ id: Int64) throws -> SweepReport? {
        guard
            var report = try read({ db in
                try Row.fetchOne(db, cachedSQL: "SELECT * FROM sweep_runs WHERE id = ?", arguments: [id]).map(Self.run)
            })
        else { return nil }
        try forEachSweepItem(id, outcome: "reclaimed") { report.reclaimedCustomers.append($0) }
        try forEachSweepItem(id, outcome: "skipped") { report.skippedCustomers.append($0) }
        return report
    }

    /// Every item of a run with one outcome, read a page at a time.
    public func forEachSweepItem(_ run: Int64, outcome: String, _ body: (SweepReport.Item) throws -> Void) throws {
        var after: Int64 = 0
        while true {
            let page = try sweepItems(run, outcome: outcome, after: after, first: 1000)
            guard let last = page.last else { return }
            try page.forEach(body)
            after = last.customerId
        }
    }

    /// One page of a run's items with one outcome (`reclaimed`, `skipped` or `failed`), by
    /// customer id, with names as they are now; for reading a 100k-customer run in bounded memory.
    public func sweepItems(_ run: Int64, outcome: String, after customerID: Int64, first: Int) throws -> [SweepReport.Item] {
        try read { db in
            try db.fetchAll(
                cachedSQL: """
                    SELECT i.customer_id, c.name, i.previous_owner_id, u.name, i.rule, i.pool_id, p.name, i.reason
                    FROM sweep_items i JOIN customers c ON c.id = i.customer_id
                    LEFT JOIN users u ON u.id = i.previous_owner_id LEFT JOIN pools p ON p.id = i.pool_id
                    WHERE i.run_id = ? AND i.outcome = ? AND i.customer_id > ? ORDER BY i.customer_id LIMIT ?
                    """, arguments: [run, outcome, customerID, first]
            ) { row in
                SweepReport.Item(
                    customerId: row.int64(0), customerName: row.text(1), previousOwnerId: row.optionalInt64(2),
                    previousOwner: row.optionalText(3), rule: row.optionalText(4), poolId: row.optionalInt64(5),
                    pool: row.optionalText(6), reason: row.text(7))
            }
        }
    }

    // MARK: Forecasts and previews

    /// Private customers, optionally of one owner, for forecasts.
    public func privateCustomers(ownedBy owner: UserID?) throws -> [Customer] {
        try read { db in
            try db.fetchAll(
                cachedSQL: "SELECT \(RowDecoding.customerColumns) FROM customers WHERE owner_id IS NOT NULL AND (? IS NULL OR owner_id = ?) ORDER BY id",
                arguments: [owner?.rawValue, owner?.rawValue], as: RowDecoding.customer)
        }
    }

    /// One bounded batch of private customers by id: sweeps and previews never hold them all.
    private func privateCustomers(after id: Int64, limit: Int) throws -> [Customer] {
        try read { db in
            try db.fetchAll(
                cachedSQL: "SELECT \(RowDecoding.customerColumns) FROM customers WHERE owner_id IS NOT NULL AND id > ? ORDER BY id LIMIT ?",
                arguments: [id, limit], as: RowDecoding.customer)
        }
    }

    /// What `rules` would reclaim among the private customers governed by `pool`.
    public func previewRules(_ rules: PoolRules, for pool: PoolID, today: Day, batchSize: Int = 1000) throws -> RulePreview {
        let pools = try self.pools()
        guard pools.contains(where: { $0.id == pool }) else { throw PoolError.notFound(entity: "Pool") }
        let rules = try rules.validated()
        let router = PoolRouter(pools: pools)
        var routes = RouteMemo()
        var preview = RulePreview()
        var lastID: Int64 = 0
        while true {
            let batch = try privateCustomers(after: lastID, limit: batchSize)
            guard let last = batch.last else { break }
            lastID = last.id.rawValue
            let governed = batch.filter { routes.route($0, router)?.0 == pool }
            preview.add(governed, rules: rules.reclaim, today: today, calendar: calendar)
        }
        return preview
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
