import Foundation
import PoolDomain
import PoolServices
import PoolStore
import PostgresStore
import TestSupport
import Testing

/// What an instance does while its PostgreSQL is gone: coded errors, 503 from `/healthz`, and
/// full service again once the database is back, without a restart.
@Suite struct PostgresFaultTests {
    @Test func aLostDatabaseAnswersUnavailableAndTheInstanceRecoversWithoutRestart() throws {
        let server = try TestServer(backend: .postgres)
        let name = String(server.address.split(separator: "/").last!)
        let admin = try PostgresConnection("\(try PostgresTestCluster.shared.get().baseURL)/postgres")
        let pooled = try server.createCustomer("Fault Co", pool: "general")
        #expect(try server.client.send(method: "GET", path: "/healthz").status == 200)

        // The database refuses new connections and ends the open ones, as a restart does.
        try admin.run("ALTER DATABASE \(name) ALLOW_CONNECTIONS false")
        defer { try? admin.run("ALTER DATABASE \(name) ALLOW_CONNECTIONS true") }
        try admin.run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)'")

        let health = try server.client.send(method: "GET", path: "/healthz")
        #expect(health.status == 503)
        let page = try server.client.graphQL("{ customers(first: 5) { totalCount } }", token: server.tokens["rep1"])
        #expect(page.json.errorCodes == ["UNAVAILABLE"], "\(page.json)")
        #expect(page.status == 503 || page.status == 200)
        let claim = try server.query("mutation($id: ID!) { claimCustomers(ids: [$id]) { succeeded } }", as: "rep1", variables: ["id": pooled])
        #expect(claim.errorCodes == ["UNAVAILABLE"], "\(claim)")

        try admin.run("ALTER DATABASE \(name) ALLOW_CONNECTIONS true")
        #expect(try server.client.send(method: "GET", path: "/healthz").status == 200)
        let again = try server.query("mutation($id: ID!) { claimCustomers(ids: [$id]) { succeeded } }", as: "rep1", variables: ["id": pooled])
        #expect(again.at("data", "claimCustomers", "succeeded") as? Int == 1, "\(again)")
        #expect(try server.count("SELECT COUNT(*) FROM ownership_events WHERE kind = 'claim'") == 1, "the refused claim wrote nothing")
    }

    /// After a restart the pool's idle connections are all dead; each is found out and replaced
    /// before a request gets it, so the first requests after the database is back succeed.
    @Test func connectionsTheServerEndedAreReplacedBeforeARequestGetsThem() throws {
        let server = try TestServer(backend: .postgres)
        let name = String(server.address.split(separator: "/").last!)
        let admin = try PostgresConnection("\(try PostgresTestCluster.shared.get().baseURL)/postgres")
        onRealThreads(4) { _ in _ = try? server.query("{ customers(first: 5) { totalCount } }", as: "rep1") }
        try admin.run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)'")
        Thread.sleep(forTimeInterval: 0.2)
        for _ in 0..<6 {
            let answer = try server.query("{ customers(first: 5) { totalCount } }", as: "rep1")
            #expect(answer.errorCodes.isEmpty, "\(answer)")
        }
        #expect(try server.client.send(method: "GET", path: "/healthz").status == 200)
    }
}

/// `users add --department NAME` from several hosts at once: each finds or creates the one
/// department, none fails because another created it first.
@Suite struct DepartmentRaceTests {
    @Test func callersCreatingTheSameNewDepartmentAtOnceAllGetIt() throws {
        let url = try PostgresTestCluster.shared.get().migratedDatabase()
        let stores = try (0..<2).map { _ in try PostgresPoolDatabase(url: url, connections: 4) }
        defer { stores.forEach { $0.close() } }
        let failures = Locked(0)
        for round in 0..<5 {
            onRealThreads(6) { index in
                let people = PoolServices(store: stores[index % 2], clock: SystemTimeSource()).people
                do { _ = try people.department(named: "华东\(round)", creatingBy: nil) } catch { failures.mutate { $0 += 1 } }
            }
        }
        #expect(failures.value == 0)
        #expect(try stores[0].departments().count == 5)
    }
}
