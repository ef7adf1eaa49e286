import Foundation
import PoolDomain

/// Daily counts kept beside the history they summarize, so that reports over a period read one
/// row per rep (or pool) and day instead of scanning the period's events.
///
/// They are written in the same transaction as the event or follow-up they count, by the one
/// function that inserts each (`OwnershipWrites.insertEvent`, `addFollowUp`), so a report never
/// sees an event without its count. Days are the team's calendar days (`LocalCalendar`), which
/// SQL cannot compute in a trigger (time zones with daylight saving), so Swift writes them.
/// `facts_state` names the time zone the rows were counted in; a store opened in another one
/// counts them again (`ensure`).
///
/// Three tables:
/// - `rep_day_facts(day, user_id)`: claims, assignments, releases, reclaims and follow-ups;
/// - `pool_day_facts(day, pool_id)`: inflow, outflow, claims from and reclaims into the pool;
/// - `claim_follow_ups(event_id)`: each claim and the claimant's first follow-up after it (for the
///   median delay, which daily sums cannot give).
public struct DailyFacts<Session: SQLSession> {
    public let session: Session
    public let calendar: LocalCalendar

    public init(_ session: Session, calendar: LocalCalendar) {
        self.session = session
        self.calendar = calendar
    }

    // MARK: Counting as things happen

    /// Counts one ownership event, in its transaction.
    public func record(_ event: FactEvent, eventID: Int64) throws {
        let day = calendar.day(of: event.at).ordinal
        let delta = FactDelta(event)
        if let rep = delta.rep { try add(rep.counts, toRep: rep.user, day: day) }
        if let pool = delta.pool { try add(pool.counts, toPool: pool.pool, day: day) }
        if event.kind == .claim, let claimant = event.toOwner {
            try session.execute(
                """
                INSERT INTO claim_follow_ups (event_id, customer_id, user_id, claimed_at, first_follow_up_at)
                VALUES (?, ?, ?, ?, (SELECT min(f.at) FROM follow_ups f
                                     WHERE f.customer_id = ? AND f.by_user_id = ? AND f.at >= ?))
                """,
                [.int(eventID), .int(event.customer.rawValue), .int(claimant.rawValue), .int(Timestamp.encode(event.at)),
                 .int(event.customer.rawValue), .int(claimant.rawValue), .int(Timestamp.encode(event.at))])
        }
    }

    /// Counts one follow-up, in its transaction: the author's day, and the first follow-up of
    /// every claim of this customer by the author that it now answers first (a follow-up may
    /// be recorded late, with an earlier time than one already counted).
    public func recordFollowUp(customer: CustomerID, by user: UserID, at: Date) throws {
        var counts = RepCounts()
        counts.followUps = 1
        try add(counts, toRep: user, day: calendar.day(of: at).ordinal)
        let millis = Timestamp.encode(at)
        try session.execute(
            """
            UPDATE claim_follow_ups SET first_follow_up_at = ?
            WHERE customer_id = ? AND user_id = ? AND claimed_at <= ?
              AND (first_follow_up_at IS NULL OR first_follow_up_at > ?)
            """, [.int(millis), .int(customer.rawValue), .int(user.rawValue), .int(millis), .int(millis)])
    }

    private func add(_ counts: RepCounts, toRep user: UserID, day: Int) throws {
        try session.execute(
            """
            INSERT INTO rep_day_facts (day, user_id, claimed, assigned, released, reclaimed, follow_ups)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (day, user_id) DO UPDATE SET
              claimed = rep_day_facts.claimed + excluded.claimed,
              assigned = rep_day_facts.assigned + excluded.assigned,
              released = rep_day_facts.released + excluded.released,
              reclaimed = rep_day_facts.reclaimed + excluded.reclaimed,
              follow_ups = rep_day_facts.follow_ups + excluded.follow_ups
            """,
            [.int(Int64(day)), .int(user.rawValue)] + counts.values.map { .int(Int64($0)) })
    }

    private func add(_ counts: PoolCounts, toPool pool: PoolID, day: Int) throws {
        try session.execute(
            """
            INSERT INTO pool_day_facts (day, pool_id, inflow, outflow, claimed, reclaimed_into)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (day, pool_id) DO UPDATE SET
              inflow = pool_day_facts.inflow + excluded.inflow,
              outflow = pool_day_facts.outflow + excluded.outflow,
              claimed = pool_day_facts.claimed + excluded.claimed,
              reclaimed_into = pool_day_facts.reclaimed_into + excluded.reclaimed_into
            """,
            [.int(Int64(day)), .int(pool.rawValue)] + counts.values.map { .int(Int64($0)) })
    }

    // MARK: Totals over a period

    /// Each rep's counts in [from, to): whole days from the facts, the hours at the edges from
    /// the history (by the same `FactDelta`).
    public func repTotals(from: Date, to: Date) throws -> [UserID: RepCounts] {
        let span = FactSpan(from: from, to: to, calendar: calendar)
        var totals = try dayTotals(
            "rep_day_facts", key: "user_id", columns: ["claimed", "assigned", "released", "reclaimed", "follow_ups"], span
        ) { (UserID($0), RepCounts(values: $1)) }
        for edge in span.edges {
            for event in try FactQueries(session).events(from: edge.from, to: edge.to) {
                if let rep = FactDelta(event).rep { totals[rep.user, default: RepCounts()] += rep.counts }
            }
            for (user, count) in try FactQueries(session).followUpCounts(from: edge.from, to: edge.to) {
                totals[user, default: RepCounts()].followUps += count
            }
        }
        return totals
    }

    /// Each pool's flows in [from, to), the same way.
    public func poolTotals(from: Date, to: Date) throws -> [PoolID: PoolCounts] {
        let span = FactSpan(from: from, to: to, calendar: calendar)
        var totals = try dayTotals("pool_day_facts", key: "pool_id", columns: ["inflow", "outflow", "claimed", "reclaimed_into"], span) {
            (PoolID($0), PoolCounts(values: $1))
        }
        for edge in span.edges {
            for event in try FactQueries(session).events(from: edge.from, to: edge.to) {
                if let pool = FactDelta(event).pool { totals[pool.pool, default: PoolCounts()] += pool.counts }
            }
        }
        return totals
    }

    /// Sums of `columns` of a facts table over the span's whole days, by `key`.
    private func dayTotals<Key: Hashable, Counts>(
        _ table: String, key: String, columns: [String], _ span: FactSpan, _ make: (Int64, [Int]) -> (Key, Counts)
    ) throws -> [Key: Counts] {
        guard let days = span.days else { return [:] }
        let sums = columns.map { "SUM(\($0))" }.joined(separator: ", ")
        return Dictionary(uniqueKeysWithValues: try session.fetchAll(
            "SELECT \(key), \(sums) FROM \(table) WHERE day >= ? AND day < ? GROUP BY \(key)",
            [.int(Int64(days.lowerBound)), .int(Int64(days.upperBound))]
        ) { row in make(row.int64(0), (1...columns.count).map { row.int(Int32($0)) }) })
    }

    // MARK: Counting from scratch

    /// Counts the facts again only when they were counted in another time zone or never:
    /// at every store opening, in one write transaction (on PostgreSQL under a lock, so that
    /// instances starting together count once).
    public func ensure() throws {
        if let lock = Session.dialect.factsLock { try session.execute(lock, []) }
        let zone = try session.fetchOne("SELECT time_zone FROM facts_state WHERE id = 1") { $0.text(0) }
        guard zone != calendar.timeZone.identifier else { return }
        try rebuild()
    }

    /// Replaces every fact with a count from the events and follow-ups.
    public func rebuild() throws {
        try session.execute("DELETE FROM rep_day_facts", [])
        try session.execute("DELETE FROM pool_day_facts", [])
        try session.execute("DELETE FROM claim_follow_ups", [])
        let counted = try recount()
        for (key, counts) in counted.reps { try add(counts, toRep: key.user, day: key.day) }
        for (key, counts) in counted.pools { try add(counts, toPool: key.pool, day: key.day) }
        try session.execute(
            """
            INSERT INTO claim_follow_ups (event_id, customer_id, user_id, claimed_at, first_follow_up_at)
            SELECT e.id, e.customer_id, e.to_owner_id, e.at,
              (SELECT min(f.at) FROM follow_ups f WHERE f.customer_id = e.customer_id
                 AND f.by_user_id = e.to_owner_id AND f.at >= e.at)
            FROM ownership_events e WHERE e.kind = 'claim' AND e.to_owner_id IS NOT NULL
            """, [])
        try session.execute("DELETE FROM facts_state", [])
        try session.execute("INSERT INTO facts_state (id, time_zone) VALUES (1, ?)", [.text(calendar.timeZone.identifier)])
    }

    /// The facts as counted from the history, one calendar day at a time (memory stays one
    /// day's rows), without writing: `rebuild` stores it and the tests compare it with what was
    /// kept as things happened.
    public func recount() throws -> CountedFacts {
        var counted = CountedFacts()
        let bounds = try session.fetchOne(
            """
            SELECT min(at), max(at) FROM (SELECT at FROM ownership_events UNION ALL SELECT at FROM follow_ups) t
            """) { ($0.optionalInt64(0), $0.optionalInt64(1)) }
        guard let bounds, let first = bounds.0, let last = bounds.1 else { return counted }
        var day = calendar.day(of: Timestamp.decode(first))
        let lastDay = calendar.day(of: Timestamp.decode(last))
        while day <= lastDay {
            let next = calendar.adding(1, to: day)
            let span = (calendar.start(of: day), calendar.start(of: next))
            for event in try FactQueries(session).events(from: span.0, to: span.1) {
                counted.add(FactDelta(event), day: day.ordinal)
            }
            for (user, count) in try FactQueries(session).followUpCounts(from: span.0, to: span.1) {
                counted.reps[RepDayKey(day: day.ordinal, user: user), default: RepCounts()].followUps += count
            }
            day = next
        }
        return counted
    }

    /// Each claim's first follow-up by the claimant, as kept (`stored: true`) or as found in the
    /// history now: event id to milliseconds, nil when there is none yet.
    public func claimFollowUps(stored: Bool) throws -> [Int64: Int64?] {
        let sql = stored
            ? "SELECT event_id, first_follow_up_at FROM claim_follow_ups"
            : """
              SELECT e.id, (SELECT min(f.at) FROM follow_ups f WHERE f.customer_id = e.customer_id
                              AND f.by_user_id = e.to_owner_id AND f.at >= e.at)
              FROM ownership_events e WHERE e.kind = 'claim' AND e.to_owner_id IS NOT NULL
              """
        return Dictionary(uniqueKeysWithValues: try session.fetchAll(sql) { ($0.int64(0), $0.optionalInt64(1)) })
    }

    /// The facts as kept (for the tests' comparison with `recount`).
    public func stored() throws -> CountedFacts {
        var stored = CountedFacts()
        for (key, counts) in try session.fetchAll(
            "SELECT day, user_id, claimed, assigned, released, reclaimed, follow_ups FROM rep_day_facts",
            { row in (RepDayKey(day: row.int(0), user: UserID(row.int64(1))), RepCounts(values: (2...6).map { row.int(Int32($0)) })) })
        where !counts.isZero {
            stored.reps[key] = counts
        }
        for (key, counts) in try session.fetchAll(
            "SELECT day, pool_id, inflow, outflow, claimed, reclaimed_into FROM pool_day_facts",
            { row in (PoolDayKey(day: row.int(0), pool: PoolID(row.int64(1))), PoolCounts(values: (2...5).map { row.int(Int32($0)) })) })
        where !counts.isZero {
            stored.pools[key] = counts
        }
        return stored
    }
}

/// The fields of an ownership event the facts count.
public struct FactEvent: Sendable {
    public var customer: CustomerID
    public var kind: OwnershipEventKind
    public var fromOwner: UserID?
    public var toOwner: UserID?
    public var fromPool: PoolID?
    public var toPool: PoolID?
    public var at: Date
}

/// What one event adds to its rep's and its pool's day. An event concerns at most one rep
/// (the one who took or lost the customer) and one pool (the one it entered or left).
struct FactDelta {
    var rep: (user: UserID, counts: RepCounts)?
    var pool: (pool: PoolID, counts: PoolCounts)?

    init(_ event: FactEvent) {
        var rep = RepCounts()
        switch event.kind {
        case .claim: rep.claimed = 1
        case .assign: rep.assigned = 1
        case .release: rep.released = 1
        case .reclaim: rep.reclaimed = 1
        default: break
        }
        let repUser = event.kind == .claim || event.kind == .assign ? event.toOwner : event.fromOwner
        if !rep.isZero, let repUser { self.rep = (repUser, rep) }
        var pool = PoolCounts()
        if let into = event.toPool {
            pool.inflow = 1
            if event.kind == .reclaim { pool.reclaimedInto = 1 }
            self.pool = (into, pool)
        } else if let from = event.fromPool, event.toOwner != nil {
            pool.outflow = 1
            if event.kind == .claim { pool.claimed = 1 }
            self.pool = (from, pool)
        }
    }
}

public struct RepDayKey: Hashable, Sendable {
    public let day: Int
    public let user: UserID
}

public struct PoolDayKey: Hashable, Sendable {
    public let day: Int
    public let pool: PoolID
}

public struct RepCounts: Equatable, Sendable {
    public var claimed = 0, assigned = 0, released = 0, reclaimed = 0, followUps = 0

    init() {}
    init(values: [Int]) { (claimed, assigned, released, reclaimed, followUps) = (values[0], values[1], values[2], values[3], values[4]) }
    var values: [Int] { [claimed, assigned, released, reclaimed, followUps] }
    var isZero: Bool { values.allSatisfy { $0 == 0 } }

    static func += (lhs: inout RepCounts, rhs: RepCounts) { lhs = RepCounts(values: zip(lhs.values, rhs.values).map { $0 + $1 }) }
}

public struct PoolCounts: Equatable, Sendable {
    public var inflow = 0, outflow = 0, claimed = 0, reclaimedInto = 0

    init() {}
    init(values: [Int]) { (inflow, outflow, claimed, reclaimedInto) = (values[0], values[1], values[2], values[3]) }
    var values: [Int] { [inflow, outflow, claimed, reclaimedInto] }
    var isZero: Bool { values.allSatisfy { $0 == 0 } }

    static func += (lhs: inout PoolCounts, rhs: PoolCounts) { lhs = PoolCounts(values: zip(lhs.values, rhs.values).map { $0 + $1 }) }
}

/// Facts by rep and pool day, as counted or as kept.
public struct CountedFacts: Equatable, Sendable {
    public var reps: [RepDayKey: RepCounts] = [:]
    public var pools: [PoolDayKey: PoolCounts] = [:]

    mutating func add(_ delta: FactDelta, day: Int) {
        if let rep = delta.rep { reps[RepDayKey(day: day, user: rep.user), default: RepCounts()] += rep.counts }
        if let pool = delta.pool { pools[PoolDayKey(day: day, pool: pool.pool), default: PoolCounts()] += pool.counts }
    }
}

/// The raw rows the facts are counted from, for one span of time.
struct FactQueries<Session: SQLSession> {
    let session: Session

    init(_ session: Session) { self.session = session }

    func events(from: Date, to: Date) throws -> [FactEvent] {
        try session.fetchAll(
            """
            SELECT customer_id, kind, from_owner_id, to_owner_id, from_pool_id, to_pool_id, at
            FROM ownership_events WHERE at >= ? AND at < ?
            """, [.int(Timestamp.encode(from)), .int(Timestamp.encode(to))]
        ) { row in
            FactEvent(
                customer: CustomerID(row.int64(0)), kind: OwnershipEventKind(rawValue: row.text(1)) ?? .create,
                fromOwner: row.optionalInt64(2).map(UserID.init), toOwner: row.optionalInt64(3).map(UserID.init),
                fromPool: row.optionalInt64(4).map(PoolID.init), toPool: row.optionalInt64(5).map(PoolID.init),
                at: Timestamp.decode(row.int64(6)))
        }
    }

    func followUpCounts(from: Date, to: Date) throws -> [(UserID, Int)] {
        try session.fetchAll(
            """
            SELECT by_user_id, COUNT(*) FROM follow_ups
            WHERE at >= ? AND at < ? AND by_user_id IS NOT NULL GROUP BY by_user_id
            """, [.int(Timestamp.encode(from)), .int(Timestamp.encode(to))]
        ) { (UserID($0.int64(0)), $0.int(1)) }
    }
}

/// A period split for the daily facts: the whole calendar days inside it (read from the facts)
/// and the hours before the first and after the last (counted from the history, a day at most
/// each, by the same `FactDelta`).
struct FactSpan {
    /// Day ordinals, upper bound excluded.
    var days: Range<Int>?
    var edges: [(from: Date, to: Date)] = []

    init(from: Date, to: Date, calendar: LocalCalendar) {
        guard from < to else { return }
        let fromDay = calendar.day(of: from)
        let firstFull = calendar.start(of: fromDay) == from ? fromDay : calendar.adding(1, to: fromDay)
        let endDay = calendar.day(of: to)
        guard firstFull < endDay else {
            edges = [(from, to)]
            return
        }
        days = firstFull.ordinal..<endDay.ordinal
        let (fullStart, fullEnd) = (calendar.start(of: firstFull), calendar.start(of: endDay))
        if from < fullStart { edges.append((from, fullStart)) }
        if fullEnd < to { edges.append((fullEnd, to)) }
    }
}
