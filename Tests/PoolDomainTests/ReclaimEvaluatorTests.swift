import Foundation
import Testing

@testable import PoolDomain

@Suite struct ReclaimEvaluatorTests {
    let calendar = LocalCalendar(timeZone: TimeZone(identifier: "UTC")!)
    let start = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21 14:13 UTC
    var day0: Day { calendar.day(of: start) }

    func customer(followUp: Date? = nil, progress: Date? = nil, level: String? = nil, status: CustomerStatus = .lead, locked: Bool = false) -> ReclaimFacts {
        ReclaimFacts(
            Customer(
                id: CustomerID(1), name: "ACME", level: level, status: status, placement: .owned(by: UserID(5)),
                locked: locked, createdAt: start, ownerSince: start, lastFollowUpAt: followUp, lastProgressAt: progress ?? start))
    }

    func rules(_ days: ReclaimDays, byLevel: [String: ReclaimDays] = [:]) -> ReclaimRules {
        ReclaimRules(days: days, byLevel: byLevel, warningDays: 2)
    }

    @Test func notFollowedUpForNDaysIsReclaimedOnDayNPlusOneAndNotBefore() {
        let assessment = ReclaimEvaluator.assess(customer(), rules: rules(ReclaimDays(noFollowUpDays: 3)), calendar: calendar)
        #expect(assessment.due?.rule == .noFollowUp)
        #expect(!assessment.isReclaimable(on: calendar.adding(3, to: day0)))
        #expect(assessment.isReclaimable(on: calendar.adding(4, to: day0)))
        #expect(assessment.due?.countingFrom == start)
        #expect(assessment.due?.rule.resetBy == .addFollowUp)
    }

    @Test func aFollowUpRestartsTheClock() {
        let followUp = start.addingTimeInterval(2 * 86_400)
        let assessment = ReclaimEvaluator.assess(customer(followUp: followUp), rules: rules(ReclaimDays(noFollowUpDays: 3)), calendar: calendar)
        #expect(assessment.due?.reclaimOn == calendar.adding(6, to: day0))
        #expect(assessment.due?.countingFrom == followUp)
    }

    @Test func lockedAndWonCustomersAreExemptUnlessTheRulesSayOtherwise() {
        let days = ReclaimDays(noFollowUpDays: 3)
        #expect(ReclaimEvaluator.assess(customer(locked: true), rules: rules(days), calendar: calendar) == .exempt(.locked))
        #expect(ReclaimEvaluator.assess(customer(status: .won), rules: rules(days), calendar: calendar) == .exempt(.won))
        var strict = rules(days)
        strict.exemptLocked = false
        #expect(ReclaimEvaluator.assess(customer(locked: true), rules: strict, calendar: calendar).due != nil)
        #expect(ReclaimEvaluator.assess(customer(), rules: rules(ReclaimDays()), calendar: calendar) == .exempt(.noRule))
    }

    @Test func levelDaysReplaceTheDefaultsFieldByField() {
        let rules = rules(ReclaimDays(noFollowUpDays: 3, noProgressDays: 50), byLevel: ["A": ReclaimDays(noFollowUpDays: 10)])
        let a = ReclaimEvaluator.assess(customer(level: "A"), rules: rules, calendar: calendar)
        #expect(a.due?.limitDays == 10)
        #expect(rules.days(forLevel: "A").noProgressDays == 50)
        #expect(ReclaimEvaluator.assess(customer(level: "B"), rules: rules, calendar: calendar).due?.limitDays == 3)
    }

    @Test func theEarliestRuleFiresAndNoFirstFollowUpAppliesOnlyWithoutOne() {
        let rules = rules(ReclaimDays(noFollowUpDays: 5, noProgressDays: 30, claimedNoFollowUpDays: 1))
        let fresh = ReclaimEvaluator.assess(customer(), rules: rules, calendar: calendar)
        #expect(fresh.due?.rule == .claimedNoFollowUp)
        #expect(fresh.due?.reclaimOn == calendar.adding(2, to: day0))
        let followed = ReclaimEvaluator.assess(customer(followUp: start.addingTimeInterval(3600)), rules: rules, calendar: calendar)
        #expect(followed.due?.rule == .noFollowUp)
        let progress = ReclaimEvaluator.assess(
            customer(followUp: start.addingTimeInterval(40 * 86_400)), rules: rules, calendar: calendar)
        #expect(progress.due?.rule == .noProgress)
        #expect(progress.due?.rule.resetBy == .changeStatus)
    }

    /// Day counting is integer arithmetic on dates; it must agree with Foundation's calendar
    /// across month ends, leap years and clock changes (New York's DST), in any zone.
    @Test func daysBetweenDatesAgreeWithFoundationsCalendar() {
        for zone in ["Asia/Shanghai", "America/New_York", "UTC"] {
            let local = LocalCalendar(timeZone: TimeZone(identifier: zone)!)
            var foundation = Calendar(identifier: .gregorian)
            foundation.timeZone = TimeZone(identifier: zone)!
            let origin = Day(year: 2023, month: 12, day: 30)
            for offset in stride(from: 0, through: 1200, by: 7) {
                let day = local.adding(offset, to: origin)
                let expected = foundation.dateComponents([.day], from: local.start(of: origin), to: local.start(of: day)).day
                #expect(local.days(from: origin, to: day) == expected, "\(zone) \(day)")
                #expect(local.days(from: day, to: origin) == expected.map { -$0 })
            }
        }
    }

    @Test func daysAreCalendarDaysOfTheTeamsTimeZone() {
        let shanghai = LocalCalendar(timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let lateEvening = Date(timeIntervalSince1970: 1_790_000_000 - 14 * 3600 + 15 * 3600)  // 23:13 in Shanghai
        let facts = ReclaimFacts(
            Customer(id: CustomerID(1), name: "A", placement: .owned(by: UserID(1)), createdAt: lateEvening, ownerSince: lateEvening,
                     lastProgressAt: lateEvening))
        let due = ReclaimEvaluator.assess(facts, rules: rules(ReclaimDays(noFollowUpDays: 1)), calendar: shanghai).due
        #expect(due?.reclaimOn == shanghai.adding(2, to: shanghai.day(of: lateEvening)))
    }
}

@Suite struct ClaimLimitsTests {
    let calendar = LocalCalendar(timeZone: TimeZone(identifier: "UTC")!)
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func refusal(_ body: () throws -> Void) -> LimitRefusal? {
        do { try body() } catch PoolError.limit(let refusal) { return refusal } catch { return nil }
        return nil
    }

    @Test func eachLimitRefusesWithWhatFreesItUp() {
        let none = ClaimFacts(ownedCount: 0, claimsToday: 0, lastLostAt: nil, enteredPoolAt: nil)
        #expect(refusal { try ClaimLimits.check(none, rules: ClaimRules(), limit: .unlimited, now: now, calendar: calendar) } == nil)
        let owned = refusal {
            try ClaimLimits.check(
                ClaimFacts(ownedCount: 5, claimsToday: 0, lastLostAt: nil, enteredPoolAt: nil), rules: ClaimRules(),
                limit: OwnerLimit(maxPrivate: 5), now: now, calendar: calendar)
        }
        #expect(owned == LimitRefusal(kind: .ownedLimit, limit: 5, current: 5, freesAt: nil))
        let daily = refusal {
            try ClaimLimits.check(
                ClaimFacts(ownedCount: 0, claimsToday: 2, lastLostAt: nil, enteredPoolAt: nil),
                rules: ClaimRules(maxClaimsPerDay: 2), limit: .unlimited, now: now, calendar: calendar)
        }
        #expect(daily?.kind == .dailyClaimLimit)
        #expect(daily?.freesAt == calendar.start(of: calendar.adding(1, to: calendar.day(of: now))))
        let lost = now.addingTimeInterval(-86_400)
        let cooldown = refusal {
            try ClaimLimits.check(
                ClaimFacts(ownedCount: 0, claimsToday: 0, lastLostAt: lost, enteredPoolAt: nil),
                rules: ClaimRules(cooldownDays: 3), limit: .unlimited, now: now, calendar: calendar)
        }
        #expect(cooldown == LimitRefusal(kind: .cooldown, limit: 3, current: nil, freesAt: lost.addingTimeInterval(3 * 86_400)))
        let embargo = refusal {
            try ClaimLimits.check(
                ClaimFacts(ownedCount: 0, claimsToday: 0, lastLostAt: nil, enteredPoolAt: now.addingTimeInterval(-3600)),
                rules: ClaimRules(embargoHours: 2), limit: .unlimited, now: now, calendar: calendar)
        }
        #expect(embargo?.kind == .embargo)
        #expect(embargo?.freesAt == now.addingTimeInterval(3600))
    }

    @Test func theMostSpecificOwnerLimitApplies() {
        let limits: [LimitScope: OwnerLimit] = [
            .everyone: OwnerLimit(maxPrivate: 100), .department(DepartmentID(1)): OwnerLimit(maxPrivate: 50),
            .user(UserID(9)): OwnerLimit(maxPrivate: 5),
        ]
        #expect(OwnerLimits.effective(for: UserID(9), departments: [DepartmentID(2), DepartmentID(1)], in: limits).maxPrivate == 5)
        #expect(OwnerLimits.effective(for: UserID(8), departments: [DepartmentID(2), DepartmentID(1)], in: limits).maxPrivate == 50)
        #expect(OwnerLimits.effective(for: UserID(8), departments: [DepartmentID(3)], in: limits).maxPrivate == 100)
        #expect(OwnerLimits.effective(for: UserID(8), departments: [], in: [:]) == .unlimited)
    }
}

@Suite struct AutoAssignerTests {
    let members = [1, 2, 3].map { AutoAssigner.Candidate(userID: UserID($0), capacityLeft: 10) }

    @Test func roundRobinServesEachMemberInTurnAndWraps() {
        var cursor: UserID?
        var served: [Int64] = []
        for _ in 0..<7 {
            cursor = AutoAssigner.pick(members, mode: .roundRobin, after: cursor)
            served.append(cursor!.rawValue)
        }
        #expect(served == [1, 2, 3, 1, 2, 3, 1])
    }

    @Test func membersWithoutCapacityAreSkippedAndWeightedPrefersTheMostFree() {
        let full = [AutoAssigner.Candidate(userID: UserID(1), capacityLeft: 0), AutoAssigner.Candidate(userID: UserID(2), capacityLeft: 3),
                    AutoAssigner.Candidate(userID: UserID(3), capacityLeft: 7)]
        #expect(AutoAssigner.pick(full, mode: .roundRobin, after: nil) == UserID(2))
        #expect(AutoAssigner.pick(full, mode: .weighted, after: nil) == UserID(3))
        #expect(AutoAssigner.pick([full[0]], mode: .roundRobin, after: nil) == nil)
        #expect(AutoAssigner.pick(members, mode: .off, after: nil) == nil)
    }
}

@Suite struct MaskingAndAccessTests {
    @Test func contactDetailsAreMaskedKeepingWhatIdentifiesThem() {
        #expect(Masking.maskPhone("13812345678") == "138****5678")
        #expect(Masking.maskEmail("zhang.wei@example.com") == "z***@example.com")
        let customer = Customer(id: CustomerID(1), name: "A", phone: "13812345678", email: "a@b.cn", placement: .inPool(PoolID(1)), createdAt: Date())
        let masked = Masking.apply(customer, hiding: [.phone])
        #expect(masked.phone == "138****5678")
        #expect(masked.email == "a@b.cn")
    }

    @Test func departmentsIncludeSubDepartmentsAndOpenPoolsAdmitEveryone() {
        let access = PoolAccess(entries: [
            PoolID(1): [PoolAccessEntry(principal: .department(DepartmentID(10)), level: .member)],
            PoolID(2): [PoolAccessEntry(principal: .role(.manager), level: .member),
                        PoolAccessEntry(principal: .user(UserID(7)), level: .admin)],
        ])
        #expect(access.isMember(UserID(1), role: .rep, ancestry: [DepartmentID(11), DepartmentID(10)], of: PoolID(1)))
        #expect(!access.isMember(UserID(1), role: .rep, ancestry: [DepartmentID(12)], of: PoolID(1)))
        #expect(access.isMember(UserID(1), role: .rep, ancestry: [], of: PoolID(3)))
        #expect(!access.isMember(UserID(1), role: .rep, ancestry: [], of: PoolID(2)))
        #expect(access.isMember(UserID(1), role: .manager, ancestry: [], of: PoolID(2)))
        #expect(access.isAdmin(UserID(7), role: .rep, ancestry: [], of: PoolID(2)))
        #expect(!access.isAdmin(UserID(7), role: .rep, ancestry: [], of: PoolID(1)))
    }
}

/// The team's calendar day of an instant, worked out from the zone's offset, is Foundation's
/// calendar day, across daylight-saving changes and zones with half-hour offsets; and a day's
/// ordinal round-trips.
@Suite struct LocalCalendarTests {
    @Test(arguments: ["UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Kiritimati"])
    func dayOfAnInstantIsFoundationsCalendarDay(_ zone: String) {
        let timeZone = TimeZone(identifier: zone)!
        let local = LocalCalendar(timeZone: timeZone)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let date = Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...4_000_000_000, using: &generator))
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            #expect(local.day(of: date) == Day(year: parts.year!, month: parts.month!, day: parts.day!), "\(zone) \(date)")
        }
        for ordinal in stride(from: -30_000, to: 60_000, by: 7) {
            #expect(Day(ordinal: ordinal).ordinal == ordinal)
        }
    }
}
