import Foundation
import PoolDomain
import PoolServices
import TestSupport
import Testing

/// Heavy operations run a few at a time and one more is refused at once with BUSY, so the
/// cheap API keeps answering while reports, previews, exports and imports run.
@Suite struct HeavyWorkTests {
    let server = try! TestServer(configure: { $0.heavyWork = HeavyWork(limit: 1) })

    @Test func whileTheHeavyPlacesAreTakenReportsAnswerBusyAndPagesStillAnswer() throws {
        let admin = try server.console(as: "admin")
        let metrics = "{ repMetrics(from: \"2026-01-01T00:00:00Z\", to: \"2027-01-01T00:00:00Z\") { claimed } }"
        #expect(try server.query(metrics, as: "admin").errorCodes.isEmpty, "a free place: the report runs")

        try server.settings.heavyWork.enter()  // a report, preview, export or import in progress
        let busy = try server.query(metrics, as: "admin")
        #expect(busy.errorCodes == ["BUSY"])
        let pools = "{ poolMetrics(from: \"2026-01-01T00:00:00Z\", to: \"2027-01-01T00:00:00Z\") { size } }"
        #expect(try server.query(pools, as: "admin").errorCodes == ["BUSY"])
        #expect(try admin.get("/admin/export.csv").status == 503)
        let page = try server.query("{ customers(first: 20) { totalCount nodes { id } } }", as: "admin")
        #expect(page.errorCodes.isEmpty && page.at("data", "customers", "totalCount") != nil, "the cheap API answers")
        #expect(try admin.get("/admin").status == 200)
        // A refused export did not count against the day's exports.
        #expect(try server.database.accessRecords(AccessRecordFilter(), first: 10, before: nil).isEmpty)

        server.settings.heavyWork.leave()
        #expect(try server.query(metrics, as: "admin").errorCodes.isEmpty, "the place is free again")
        #expect(try admin.get("/admin/export.csv").status == 200)
        #expect(try server.query(metrics, as: "admin").errorCodes.isEmpty, "a finished export gave its place back")
    }
}
