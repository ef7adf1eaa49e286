import Foundation
import Testing

import TestSupport

/// `importCustomers`: a partner's bulk import with the CSV import's rules, one transaction per
/// call, a result per row, and a dry run that keeps nothing.
@Suite struct ImportAPITests {
    static let mutation = """
        mutation($rows: [CustomerImportInput!]!, $dry: Boolean) {
          importCustomers(rows: $rows, dryRun: $dry) {
            dryRun imported refused
            results { row ok customer { id name } pool { name } owner { name } routedBy
                      error { code message duplicate { field customerId } } }
          }
        }
        """

    static func rows(_ server: TestServer) -> [[String: Any]] {
        [
            ["name": "Owned Import Co", "ownerName": "rep1"],
            ["name": "Pooled Import Co", "poolId": server.poolID("east")],
            ["name": "Shanghai Import Co", "region": "上海"],
            ["name": "Elsewhere Import Co", "region": "西藏"],
            ["name": "Existing Co"],
            ["name": "Owned Import Co (again)", "phone": "13800000001"],
            ["name": "Twin Co", "phone": "13800000001"],
            ["name": "Nobody's Co", "ownerName": "no.such.rep"],
            ["name": "Bad Mail Co", "email": "not-an-address"],
        ]
    }

    static func results(_ response: [String: Any]) throws -> [[String: Any]] {
        try #require(response.at("data", "importCustomers", "results") as? [[String: Any]], "\(response)")
    }

    @Test func eachRowIsPlacedOrRefusedWithItsReasonAndOnlyRealRunsKeepAnything() throws {
        let server = try TestServer()
        let existing = try server.createCustomer("Existing Co", owner: "rep2")
        let before = try server.count("SELECT count(*) FROM customers")

        let dry = try server.query(Self.mutation, variables: ["rows": Self.rows(server), "dry": true])
        #expect(dry.at("data", "importCustomers", "imported") as? Int == 5)
        #expect(try Self.results(dry).allSatisfy { $0["customer"] is NSNull }, "a dry run names no stored customer")
        #expect(try server.count("SELECT count(*) FROM customers") == before, "a dry run keeps nothing")

        let run = try server.query(Self.mutation, variables: ["rows": Self.rows(server)])
        let results = try Self.results(run)
        #expect(results.map { $0["row"] as? Int } == Array(0..<9).map { $0 })
        #expect(results.map { $0["ok"] as? Bool } == [true, true, true, true, false, true, false, false, false])
        #expect(results[0].at("owner", "name") as? String == "rep1" && results[0]["pool"] is NSNull)
        #expect(results[1].at("pool", "name") as? String == "East pool" && results[1]["routedBy"] as? String == "EXPLICIT")
        #expect(results[2].at("pool", "name") as? String == "East pool" && results[2]["routedBy"] as? String == "MATCHED")
        #expect(results[3].at("pool", "name") as? String == "General" && results[3]["routedBy"] as? String == "DEFAULT")
        #expect(results[4].at("error", "code") as? String == "DUPLICATE_CUSTOMER")
        #expect(results[4].at("error", "duplicate", "customerId") as? String == existing, "says where the existing record is")
        #expect(results[6].at("error", "code") as? String == "DUPLICATE_CUSTOMER", "a duplicate of an earlier row of the call")
        #expect(results[7].at("error", "code") as? String == "BAD_USER_INPUT")
        #expect(results[8].at("error", "code") as? String == "BAD_USER_INPUT")
        #expect(results[0].at("customer", "name") as? String == "Owned Import Co")
        #expect(try server.count("SELECT count(*) FROM customers") == before + 5)
        #expect(try server.count("SELECT count(*) FROM ownership_events WHERE kind = 'create' AND reason = '导入 / import'") == 5)
        #expect(try server.count("SELECT count(*) FROM audit_log WHERE action = 'import_customers'") == 1)
        #expect((dry.at("data", "importCustomers", "results") as? [[String: Any]])?.map { $0["ok"] as? Bool } == results.map { $0["ok"] as? Bool },
                "the dry run foretold the run")
    }

    @Test func onlyAdministratorsImportAndACallHoldsAtMostAThousandRows() throws {
        let server = try TestServer()
        let rep = try server.query(Self.mutation, as: "rep1", variables: ["rows": [["name": "Rep Co"]]])
        #expect(rep.errorCodes == ["FORBIDDEN"])
        let thousand = (0..<1000).map { ["name": "Bulk \($0) Co", "phone": String(13_900_000_000 + $0)] }
        let full = try server.query(Self.mutation, variables: ["rows": thousand])
        #expect(full.at("data", "importCustomers", "imported") as? Int == 1000)
        let over = try server.query(Self.mutation, variables: ["rows": thousand + [["name": "One Too Many Co"]]])
        #expect(over.errorCodes == ["PAGE_SIZE_EXCEEDED"])
        #expect(try server.count("SELECT count(*) FROM customers WHERE name LIKE 'Bulk %'") == 1000)
    }
}

extension Dictionary where Key == String, Value == Any {
    fileprivate func at(_ path: String...) -> Any? {
        var value: Any? = self
        for key in path { value = (value as? [String: Any])?[key] }
        return value
    }
}
