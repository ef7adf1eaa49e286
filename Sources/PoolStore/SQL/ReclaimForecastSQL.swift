import Foundation
import PoolDomain

/// The reclaim forecast compiled into SQL conditions over `customers`, so that "due this week"
/// at a million customers is an index range and a count in the database, not a million
/// customers evaluated in Swift.
///
/// It follows `PoolRouter` (the pools in `routingOrder`, the default pool last) and
/// `ReclaimEvaluator` (exemptions, per-level days, and each rule's clock): a customer's reclaim
/// day is `day(clock start) + limit + 1`, so "reclaimed on or before day X" under a rule of
/// `limit` days is "clock start < start of day X − limit", a comparison of stored instants with
/// one bound the calendar works out here (time zones stay in Swift).
///
/// Each private customer's forecast instant is kept in `reclaim_at` (`assignment`, run by every
/// write to the customer and by `ForecastRefresh` after pools change), so that the conditions
/// start with an index range on it.
/// Names match case-insensitively through the database's `lower` (ASCII-only on SQLite, where
/// `PoolRouter` folds any letter): values differing only in a non-ASCII letter's case are the
/// one place the two can disagree.
public struct ReclaimForecastSQL: Sendable {
    let pools: [Pool]
    let calendar: LocalCalendar
    let dialect: SQLDialect

    public init(pools: [Pool], calendar: LocalCalendar, dialect: SQLDialect) {
        self.pools = PoolRouter(pools: pools).routingOrder
        self.calendar = calendar
        self.dialect = dialect
    }

    private static let ownedFrom = "coalesce(owner_since, created_at)"

    /// Private customers reclaimed on or before `day` (overdue ones included) if nothing changes.
    ///
    /// `kept`: every private customer's `reclaim_at` is current for these pools (see
    /// `refreshForecastsIfStale`). A rule of `limit` days reclaims on the day after its clock's
    /// day plus `limit` days, so a customer is due by `day` when its instant falls before `day`
    /// begins: one whose instant is more than a clock change (two hours) earlier is due for
    /// sure, one more than that later is not, and only the few in between are decided by the
    /// exact condition. Not kept: the exact condition decides for every private customer.
    public func due(by day: Day, kept: Bool) -> SQLFragment {
        // Never NULL (a rule whose clock no longer applies compares as NULL), so that NOT of it
        // is the customers not due.
        let exact = SQLFragment("coalesce(") + byPool { rules in self.rulesDue(rules, by: day) } + ", FALSE)"
        guard kept else { return SQLFragment("(owner_id IS NOT NULL AND ") + exact + ")" }
        let start = dayStart(day)
        return SQLFragment(
            "(owner_id IS NOT NULL AND reclaim_at IS NOT NULL AND reclaim_at < ? AND (reclaim_at < ? OR ",
            [.int(start + Self.clockChange), .int(start - Self.clockChange)]) + exact + "))"
    }

    /// The most a zone's offset moves between a rule's clock and its end, in milliseconds.
    static let clockChange: Int64 = 7_200_000

    /// Private customers that `rules` reclaim on or before `day`, for a caller that has already
    /// chosen the customers those rules govern (a rule preview): no routing per row.
    public func due(under rules: ReclaimRules, by day: Day) -> SQLFragment {
        SQLFragment("(owner_id IS NOT NULL AND coalesce(") + exemptions(rules) + rulesDue(rules, by: day) + ", FALSE))"
    }

    /// The instant `day` begins, in milliseconds.
    func dayStart(_ day: Day) -> Int64 { Timestamp.encode(calendar.start(of: day)) }

    /// `UPDATE` setting `reclaim_at` of the customers matching `condition`.
    public func assignment(where condition: SQLFragment) -> SQLFragment {
        SQLFragment("UPDATE customers SET reclaim_at = CAST(CASE WHEN owner_id IS NULL THEN NULL ELSE ") + dueInstant()
            + SQLFragment(" END AS BIGINT) WHERE ") + condition
    }

    /// Private customers whose reclaim clock is governed by `pool` (routing).
    public func governed(by pool: PoolID) -> SQLFragment {
        var fragment = SQLFragment("(owner_id IS NOT NULL AND ")
        var previous: [SQLFragment] = []
        for candidate in pools {
            let matches = self.matches(candidate)
            if candidate.id == pool {
                fragment += SQLFragment.all(previous.map { SQLFragment("NOT ") + $0 } + [matches])
                return fragment + ")"
            }
            previous.append(matches)
        }
        return "(1 = 0)"
    }

    /// The instant the customer's earliest rule runs out (NULL when exempt or under no rule),
    /// for ordering a list soonest first and for `reclaim_at`; the day shown is worked out
    /// exactly in Swift for the rows shown.
    public func dueInstant() -> SQLFragment {
        guard !pools.isEmpty else { return "CAST(NULL AS BIGINT)" }
        var fragment: SQLFragment = "CASE"
        for pool in pools {
            fragment += SQLFragment(" WHEN ") + matches(pool) + SQLFragment(" THEN ") + dueInstant(under: rules(of: pool))
        }
        return fragment + " END"
    }

    /// The same under `rules`, for customers a caller has already chosen (a rule preview).
    public func dueInstant(under rules: ReclaimRules) -> SQLFragment {
        let exempt = exemptions(rules)
        var fragment: SQLFragment = ""
        if !exempt.sql.isEmpty { fragment += SQLFragment("CASE WHEN NOT (") + exempt + SQLFragment("TRUE) THEN CAST(NULL AS BIGINT) ELSE ") }
        fragment += levels(rules) { days in
            // PostgreSQL's LEAST skips NULL (a rule that no longer applies); SQLite's min does not.
            let clocks = self.clocks(days).map { clock, limit in
                SQLFragment(self.dialect == .sqlite
                    ? "coalesce(\(clock) + \(Int64(limit) * 86_400_000), 9223372036854775807)"
                    : "(\(clock) + \(Int64(limit) * 86_400_000))")
            }
            guard !clocks.isEmpty else { return "CAST(NULL AS BIGINT)" }
            guard clocks.count > 1 else { return clocks[0] }
            return SQLFragment("\(self.dialect == .sqlite ? "min" : "LEAST")(") + Self.joined(clocks, ", ") + ")"
        }
        if !exempt.sql.isEmpty { fragment += " END" }
        return fragment
    }

    // MARK: Pieces

    private func rules(of pool: Pool) -> ReclaimRules { pool.rules.reclaim }

    /// `CASE WHEN <routes to pool 1> THEN <its condition> … ELSE FALSE END`.
    private func byPool(_ condition: (ReclaimRules) -> SQLFragment) -> SQLFragment {
        guard !pools.isEmpty else { return "FALSE" }
        var fragment: SQLFragment = "(CASE"
        for pool in pools {
            fragment += SQLFragment(" WHEN ") + matches(pool) + SQLFragment(" THEN ") + exemptions(rules(of: pool)) + condition(rules(of: pool))
        }
        return fragment + " ELSE FALSE END)"
    }

    private func exemptions(_ rules: ReclaimRules) -> SQLFragment {
        var parts: [String] = []
        if rules.exemptLocked { parts.append("locked = 0") }
        if rules.exemptWon { parts.append("status <> 'won'") }
        return parts.isEmpty ? "" : SQLFragment(parts.joined(separator: " AND ") + " AND ")
    }

    private func rulesDue(_ rules: ReclaimRules, by day: Day) -> SQLFragment {
        levels(rules) { days in
            let parts = self.clocks(days).map { clock, limit in
                SQLFragment("\(clock) < ?", [.int(self.threshold(limit, by: day))])
            }
            return parts.isEmpty ? "FALSE" : SQLFragment("(") + Self.joined(parts, " OR ") + ")"
        }
    }

    /// Per-level days replace the pool's, field by field (`ReclaimRules.days(forLevel:)`).
    private func levels(_ rules: ReclaimRules, _ body: (ReclaimDays) -> SQLFragment) -> SQLFragment {
        guard !rules.byLevel.isEmpty else { return SQLFragment("(") + body(rules.days) + ")" }
        var fragment: SQLFragment = "(CASE"
        for level in rules.byLevel.keys.sorted() {
            fragment += SQLFragment(" WHEN level = ? THEN ", [.text(level)]) + body(rules.days(forLevel: level))
        }
        return fragment + SQLFragment(" ELSE ") + body(rules.days) + " END)"
    }

    /// Each rule that applies as (its clock's start, its limit), as `ReclaimEvaluator` has them.
    private func clocks(_ days: ReclaimDays) -> [(String, Int)] {
        let from = Self.ownedFrom
        var clocks: [(String, Int)] = []
        let greatest = dialect.greatest
        if let limit = days.noFollowUpDays { clocks.append(("\(greatest)(\(from), coalesce(last_follow_up_at, \(from)))", limit)) }
        if let limit = days.claimedNoFollowUpDays {
            // Only until the first follow-up since the owner got the customer; after it, never.
            clocks.append(("CASE WHEN last_follow_up_at IS NULL OR last_follow_up_at < \(from) THEN \(from) END", limit))
        }
        if let limit = days.noProgressDays { clocks.append(("\(greatest)(\(from), coalesce(last_progress_at, \(from)))", limit)) }
        return clocks
    }

    /// A pool's routing match, never NULL (a missing industry or region is no match, as in
    /// `PoolRouter`, and `NOT` of it must be true); the default pool takes whatever reaches it.
    private func matches(_ pool: Pool) -> SQLFragment {
        if pool.isDefault { return "1 = 1" }
        var parts: [SQLFragment] = []
        if !pool.industries.isEmpty {
            parts.append(SQLFragment("industry IS NOT NULL AND lower(industry) IN (SELECT lower(value) FROM (\(dialect.textList)) v)", [SQLList.texts(pool.industries)]))
        }
        if !pool.regions.isEmpty {
            parts.append(SQLFragment("region IS NOT NULL AND lower(region) IN (SELECT lower(value) FROM (\(dialect.textList)) v)", [SQLList.texts(pool.regions)]))
        }
        return SQLFragment("(") + SQLFragment.all(parts) + ")"
    }

    /// The first instant whose clock no longer reaches day `day`: reclaimed on or before `day`
    /// under a `limit`-day rule means the clock started before the start of `day − limit`.
    private func threshold(_ limit: Int, by day: Day) -> Int64 {
        Timestamp.encode(calendar.start(of: calendar.adding(-limit, to: day)))
    }

    private static func joined(_ parts: [SQLFragment], _ separator: String) -> SQLFragment {
        SQLFragment(parts.map(\.sql).joined(separator: separator), parts.flatMap(\.arguments))
    }
}
