import Foundation
import Testing

import TestSupport

/// The daily sweep, driven through the API with a manual clock (UTC; the start is 2026-09-21).
@Suite struct ReclaimSweepTests {
    let server = try! TestServer()
    let sweep = "mutation($d: String, $dry: Boolean) { runSweep(asOf: $d, dryRun: $dry) { id asOf dryRun status evaluated reclaimed skipped reclaimedCustomers { customerId customerName previousOwner { name } rule pool { name } reason } } }"

    init() throws {
        try server.setRules("general", ["reclaim": ["noFollowUpDays": 3, "warningDays": 2]])
    }

    /// A real run happens on its day (the clock moves there); a dry run may look ahead.
    func run(_ day: String, dryRun: Bool = false) throws -> [String: Any] {
        if !dryRun { server.moveClock(toDay: day) }
        let result = try server.query(sweep, variables: ["d": day, "dry": dryRun])
        #expect(result["errors"] == nil, "\(result)")
        return result.at("data", "runSweep") as? [String: Any] ?? [:]
    }

    func owner(_ id: String) throws -> String? {
        try server.query("query($id: ID!) { customer(id: $id) { owner { name } } }", variables: ["id": id])
            .at("data", "customer", "owner", "name") as? String
    }

    @Test func aCustomerNotFollowedUpForNDaysIsReclaimedOnDayNPlusOneAndNotBefore() throws {
        let id = try server.createCustomer("Sweep Co", owner: "rep1", region: "四川")
        #expect(try run("2026-09-24")["reclaimed"] as? Int == 0)
        #expect(try owner(id) == "rep1")
        let run = try run("2026-09-25")
        #expect(run["reclaimed"] as? Int == 1)
        #expect(run.at("reclaimedCustomers", 0, "customerId") as? String == id)
        #expect(run.at("reclaimedCustomers", 0, "previousOwner", "name") as? String == "rep1")
        #expect(run.at("reclaimedCustomers", 0, "rule") as? String == "NO_FOLLOW_UP")
        #expect(run.at("reclaimedCustomers", 0, "pool", "name") as? String == "General")
        #expect(try owner(id) == nil)
        let history = try server.query(
            "query($id: ID!) { customer(id: $id) { previousOwner { name } pool { name } ownershipHistory { kind rule ruleVersion sweepRunId actor { name } fromOwner { name } } } }",
            variables: ["id": id])
        #expect(history.at("data", "customer", "previousOwner", "name") as? String == "rep1")
        #expect(history.at("data", "customer", "ownershipHistory", 1, "kind") as? String == "RECLAIM")
        #expect(history.at("data", "customer", "ownershipHistory", 1, "rule") as? String == "NO_FOLLOW_UP")
        #expect(history.at("data", "customer", "ownershipHistory", 1, "ruleVersion") as? Int == 2)
        #expect(history.at("data", "customer", "ownershipHistory", 1, "sweepRunId") as? String == run["id"] as? String)
        #expect(history.at("data", "customer", "ownershipHistory", 1, "actor") is NSNull)
        let notes = try server.query("{ notifications { kind message customer { id } } }", as: "rep1")
        #expect(notes.at("data", "notifications", 0, "kind") as? String == "RECLAIMED")
    }

    @Test func aRealRunForADayThatHasNotComeIsRefusedADryRunIsNotAndEveryRunIsAudited() throws {
        let id = try server.createCustomer("Future Co", owner: "rep1", region: "四川")
        let refused = try server.query(sweep, variables: ["d": "2026-12-20", "dry": false])
        #expect(refused.errorCodes == ["BAD_USER_INPUT"])
        #expect(try owner(id) == "rep1", "nothing was reclaimed")
        #expect((try server.query("{ sweepRuns { id } }").at("data", "sweepRuns") as? [Any])?.isEmpty == true, "nothing ran")
        #expect(try run("2026-12-20", dryRun: true)["reclaimed"] as? Int == 1, "a dry run may look ahead")
        #expect(try server.database.auditLog(first: 10).contains { $0.action == "run_sweep" } == false)
        let made = try run("2026-09-21")
        let audit = try server.database.auditLog(first: 10).filter { $0.action == "run_sweep" }
        #expect(audit.count == 1)
        #expect(audit.first?.entity == "sweep run \((made["id"] as? String ?? "").dropFirst(4))")
        #expect(audit.first?.userID == server.users["admin"]?.id)
        #expect(audit.first?.after?.contains("\"trigger\":\"api\"") == true)
    }

    @Test func aFollowUpResetsTheClock() throws {
        let id = try server.createCustomer("Reset Co", owner: "rep1", region: "四川")
        server.clock.advance(days: 2)
        _ = try server.query("mutation($id: ID!) { addFollowUp(customerId: $id, kind: CALL, text: \"hi\") { id } }", as: "rep1", variables: ["id": id])
        #expect(try run("2026-09-25")["reclaimed"] as? Int == 0)
        #expect(try run("2026-09-26")["reclaimed"] as? Int == 0)
        #expect(try run("2026-09-27")["reclaimed"] as? Int == 1)
    }

    @Test func lockedAndWonCustomersStay() throws {
        let locked = try server.createCustomer("Locked Co", owner: "rep1", region: "四川")
        let won = try server.createCustomer("Won Co", owner: "rep1", region: "四川")
        _ = try server.query("mutation($id: ID!) { lockCustomer(id: $id) { id } }", as: "rep1", variables: ["id": locked])
        _ = try server.query("mutation($id: ID!) { updateCustomer(id: $id, input: {status: WON}) { id } }", as: "rep1", variables: ["id": won])
        #expect(try run("2026-10-30")["reclaimed"] as? Int == 0)
        #expect(try owner(locked) == "rep1")
        #expect(try owner(won) == "rep1")
        let forecast = try server.query(
            "query($a: ID!, $b: ID!) { a: customer(id: $a) { reclaimForecast { exempt rule } } b: customer(id: $b) { reclaimForecast { exempt } } }",
            as: "rep1", variables: ["a": locked, "b": won])
        #expect(forecast.at("data", "a", "reclaimForecast", "exempt") as? String == "LOCKED")
        #expect(forecast.at("data", "a", "reclaimForecast", "rule") is NSNull)
        #expect(forecast.at("data", "b", "reclaimForecast", "exempt") as? String == "WON")
    }

    @Test func aDryRunChangesAndRecordsNothing() throws {
        let id = try server.createCustomer("Dry Co", owner: "rep1", region: "四川")
        let dry = try run("2026-09-30", dryRun: true)
        #expect(dry["dryRun"] as? Bool == true)
        #expect(dry["id"] is NSNull)
        #expect(dry["reclaimed"] as? Int == 1)
        #expect(try owner(id) == "rep1")
        #expect((try server.query("{ sweepRuns { id } }").at("data", "sweepRuns") as? [Any])?.isEmpty == true)
    }

    @Test func aSecondRunTheSameDayReclaimsNothing() throws {
        try server.createCustomer("Twice Co", owner: "rep1", region: "四川")
        #expect(try run("2026-09-30")["reclaimed"] as? Int == 1)
        let again = try run("2026-09-30")
        #expect(again["reclaimed"] as? Int == 0)
        #expect(again["status"] as? String == "COMPLETED")
        let runs = try server.query("{ sweepRuns { asOf reclaimed } }").at("data", "sweepRuns") as? [[String: Any]]
        #expect(runs?.count == 2)
    }

    @Test func aMissedWeekIsCaughtUpDayByDay() throws {
        try server.createCustomer("Week Co", owner: "rep1", region: "四川")
        _ = try run("2026-09-22")
        let last = try run("2026-09-29")
        #expect(last["asOf"] as? String == "2026-09-29")
        let runs = try server.query("{ sweepRuns(first: 50) { asOf reclaimed } }").at("data", "sweepRuns") as? [[String: Any]] ?? []
        #expect(runs.compactMap { $0["asOf"] as? String }.reversed() == (22...29).map { "2026-09-\($0)" })
        #expect(runs.compactMap { $0["reclaimed"] as? Int }.reduce(0, +) == 1)
        #expect(runs.first { $0["reclaimed"] as? Int == 1 }?["asOf"] as? String == "2026-09-25")
    }

    @Test func ownersAreWarnedInsideTheWarningWindowOncePerDueDate() throws {
        let id = try server.createCustomer("Warn Co", owner: "rep1", region: "四川")
        let forecast = try server.query(
            "query($id: ID!) { customer(id: $id) { reclaimForecast { rule reclaimOn daysLeft countingFrom resetBy warning pool { name } } } }",
            as: "rep1", variables: ["id": id])
        #expect(forecast.at("data", "customer", "reclaimForecast", "reclaimOn") as? String == "2026-09-25")
        #expect(forecast.at("data", "customer", "reclaimForecast", "daysLeft") as? Int == 4)
        #expect(forecast.at("data", "customer", "reclaimForecast", "warning") as? Bool == false)
        #expect(forecast.at("data", "customer", "reclaimForecast", "resetBy") as? String == "ADD_FOLLOW_UP")
        #expect(forecast.at("data", "customer", "reclaimForecast", "countingFrom") as? String == "2026-09-21T14:13:20.000Z")
        let due = try server.query("{ customersDueForReclaim(days: 4) { id } }", as: "rep1")
        #expect((due.at("data", "customersDueForReclaim") as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id])
        #expect((try server.query("{ customersDueForReclaim(days: 3) { id } }", as: "rep1").at("data", "customersDueForReclaim") as? [Any])?.isEmpty == true)
        _ = try run("2026-09-23")
        _ = try run("2026-09-24")
        let warnings = (try server.query("{ notifications { kind dueOn } }", as: "rep1").at("data", "notifications") as? [[String: Any]] ?? [])
            .filter { $0["kind"] as? String == "RECLAIM_WARNING" }
        #expect(warnings.count == 1)
        #expect(warnings.first?["dueOn"] as? String == "2026-09-25")
        #expect(try server.query("mutation { markNotificationsRead }", as: "rep1").at("data", "markNotificationsRead") as? Int == 1)
    }

    @Test func previewSaysWhatNewRulesWouldReclaimPerOwnerBeforeSaving() throws {
        try server.createCustomer("Old A", owner: "rep1", region: "四川")
        try server.createCustomer("Old B", owner: "rep2", region: "四川")
        server.clock.advance(days: 10)
        try server.createCustomer("New C", owner: "rep2", region: "四川")
        try server.createCustomer("East D", owner: "rep2", region: "上海")
        let preview = try server.query(
            "query($p: ID!) { previewRules(poolId: $p, rules: {reclaim: {noFollowUpDays: 5}}) { evaluated today within7Days within30Days perOwner { owner { name } today within30Days } customers { customer { name } rule reclaimOn } } }",
            variables: ["p": server.poolID("general")])
        #expect(preview["errors"] == nil, "\(preview)")
        #expect(preview.at("data", "previewRules", "evaluated") as? Int == 3)
        #expect(preview.at("data", "previewRules", "today") as? Int == 2)
        #expect(preview.at("data", "previewRules", "within7Days") as? Int == 3)
        let owners = preview.at("data", "previewRules", "perOwner") as? [[String: Any]] ?? []
        #expect(owners.count == 2)
        #expect(preview.at("data", "previewRules", "customers", 2, "customer", "name") as? String == "New C")
        let version = try server.query("{ pools { name ruleVersion } }").at("data", "pools", 1, "ruleVersion") as? Int
        #expect(version == 2, "previewing does not save")
        #expect(try server.query(
            "query($p: ID!) { previewRules(poolId: $p, rules: {}) { today } }", as: "rep1",
            variables: ["p": server.poolID("general")]).errorCodes == ["FORBIDDEN"])
    }
}
