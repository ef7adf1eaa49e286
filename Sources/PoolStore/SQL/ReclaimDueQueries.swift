import Foundation
import PoolDomain

/// `ReclaimForecastStore` on the shared SQL, for both backends: the viewer's scope is the
/// customer lists' own condition (`CustomerQueries.conditions`), the forecast is compiled from
/// the pools as they are now.
extension SQLTransactions {
    public func reclaimDueCounts(scope: CustomerScope, today: Day, within days: Int) throws -> (overdue: Int, upcoming: Int) {
        let forecast = ReclaimForecastSQL(pools: try pools(), calendar: calendar, dialect: Session.dialect)
        return try read { session in
            let kept = try ForecastState(session, calendar: calendar).isCurrent()
            let overdue = forecast.due(by: calendar.adding(-1, to: today), kept: kept)
            let due = forecast.due(by: calendar.adding(days, to: today), kept: kept)
            let statement = SQLFragment("SELECT COUNT(*), coalesce(SUM(CASE WHEN ") + overdue
                + SQLFragment(" THEN 1 ELSE 0 END), 0) FROM customers WHERE ")
                + SQLFragment.all([due] + CustomerQueries(session).conditions(CustomerFilter(), scope: scope, masked: .none))
            let (all, past) = try session.fetchAll(statement) { ($0.int(0), $0.int(1)) }.first ?? (0, 0)
            return (past, all - past)
        }
    }

    public func reclaimDue(scope: CustomerScope, today: Day, within days: Int, overdue: Bool, offset: Int, limit: Int) throws -> [Customer] {
        let forecast = ReclaimForecastSQL(pools: try pools(), calendar: calendar, dialect: Session.dialect)
        return try read { session in
            let kept = try ForecastState(session, calendar: calendar).isCurrent()
            let past = forecast.due(by: calendar.adding(-1, to: today), kept: kept)
            let due = forecast.due(by: calendar.adding(days, to: today), kept: kept)
            var conditions = [due, overdue ? past : SQLFragment("NOT ") + past]
                + CustomerQueries(session).conditions(CustomerFilter(), scope: scope, masked: .none)
            // Not yet overdue: every rule's clock started on or after the day `limit + 1` days
            // before today, so its instant is at least a day before today begins (less a margin
            // for a clock change): the index range starts there, not at every overdue customer.
            if kept && !overdue {
                conditions.append(SQLFragment("reclaim_at >= ?", [.int(forecast.dayStart(today) - 86_400_000 - ReclaimForecastSQL.clockChange)]))
            }
            let statement = SQLFragment("SELECT \(RowDecoding.customerColumns) FROM customers WHERE ") + SQLFragment.all(conditions)
                + SQLFragment(" ORDER BY ") + (kept ? "reclaim_at" : forecast.dueInstant())
                + SQLFragment(", id LIMIT ? OFFSET ?", [.int(Int64(limit)), .int(Int64(offset))])
            return try session.fetchAll(statement, RowDecoding.customer)
        }
    }

    public func refreshForecastsIfStale() throws -> Bool {
        let token = try read { session -> Int64? in
            try ForecastState(session, calendar: calendar).isCurrent() ? nil : try session.versionTokens().settings
        }
        guard let token else { return false }
        let last = try read { try $0.fetchOne("SELECT max(id) FROM customers") { $0.optionalInt64(0) } } ?? nil
        var lower: Int64 = 0
        let batch: Int64 = 20_000
        while lower <= (last ?? 0) {
            // One transaction per batch, on the pools as they are in it: writes go on meanwhile
            // and keep their own customers' forecasts.
            let unchanged = try writeTransaction { session -> Bool in
                guard try session.versionTokens().settings == token else { return false }
                let forecast = ReclaimForecastSQL(pools: try writes(session).settings().pools, calendar: calendar, dialect: Session.dialect)
                try session.execute(forecast.assignment(where: SQLFragment(
                    "id > ? AND id <= ? AND (owner_id IS NOT NULL OR reclaim_at IS NOT NULL)", [.int(lower), .int(lower + batch)])))
                return true
            }
            guard unchanged else { return true }  // pools changed again: the next call starts over
            lower += batch
        }
        try writeTransaction { session in
            guard try session.versionTokens().settings == token else { return }
            try ForecastState(session, calendar: calendar).mark(token: token)
        }
        return true
    }
}

/// Which pools every private customer's `reclaim_at` was computed for.
struct ForecastState<Session: SQLSession> {
    let session: Session
    let calendar: LocalCalendar

    init(_ session: Session, calendar: LocalCalendar) {
        self.session = session
        self.calendar = calendar
    }

    func isCurrent() throws -> Bool {
        let state = try session.fetchOne("SELECT settings_token, time_zone FROM forecast_state WHERE id = 1") { ($0.int64(0), $0.text(1)) }
        guard let state else { return false }
        return state.0 == (try session.versionTokens().settings) && state.1 == calendar.timeZone.identifier
    }

    /// One upsert: instances or commands opening the store together each refresh and mark, and
    /// a DELETE then INSERT let the second transaction's INSERT fail on the first's row.
    func mark(token: Int64) throws {
        try session.execute(
            """
            INSERT INTO forecast_state (id, settings_token, time_zone) VALUES (1, ?, ?)
            ON CONFLICT (id) DO UPDATE SET settings_token = excluded.settings_token, time_zone = excluded.time_zone
            """, [.int(token), .text(calendar.timeZone.identifier)])
    }
}
