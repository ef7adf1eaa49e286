import Foundation
import HTTPServer
import PoolDomain
import PoolServices
import PoolStore

/// The filtered customer list as CSV (UTF-8 with a byte-order mark so Excel keeps Chinese
/// names): every customer the user may see, streamed.
///
/// The file is written as it is read, page by page on a thread of its own, and waits for the
/// client whenever a quarter of a megabyte is queued: a million rows cost the server the same
/// memory as a thousand, and no worker thread is held while the client downloads. A manager's
/// exports are limited per day (`AccessRecords.beginExport`); the export is recorded as who saw
/// what when it ends, with the rows actually written (a client that leaves early saw fewer).
struct CustomerExport {
    let console: AdminConsole

    static let columns = ImportPage.columns + ["owner", "pool", "created_at", "last_follow_up_at"]
    /// Bytes queued for the socket before the reader waits.
    static let queued = 262_144
    static let pageSize = 500

    func respond(_ request: ConsoleRequest) throws -> HTTPResponse {
        let database = console.database
        let records = console.services.accessRecords
        let heavyWork = console.services.heavyWork
        // The export holds a place among the heavy operations until its last row is written;
        // a refusal comes before it counts against a manager's exports of the day.
        try heavyWork.enter()
        var started = false
        defer { if !started { heavyWork.leave() } }
        try records.beginExport(by: request.actor)
        let job = Job(
            database: database, records: records, actor: request.actor, scope: try database.viewer(for: request.actor).scope,
            filter: CustomerPages.filter(request), pools: try database.pools(),
            owners: Dictionary(uniqueKeysWithValues: try database.users().map { ($0.id, $0.name) }),
            asked: Self.asked(request), timeZone: request.timeZone)
        let stream = EventStream(blockSize: 65_536)
        Thread.detachNewThread { job.write(to: stream, done: heavyWork.leave) }
        started = true
        var response = HTTPResponse(
            status: 200,
            headers: [("Content-Type", "text/csv; charset=utf-8"), ("Content-Disposition", "attachment; filename=\"customers.csv\""),
                      ("Cache-Control", "no-store")])
        response.stream = stream
        return response
    }

    /// The filter as the user asked it, for the record.
    private static func asked(_ request: ConsoleRequest) -> String {
        let asked = request.http.queryArguments.filter { $0.key != "lang" }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return asked.isEmpty ? "all" : asked
    }

    /// What the export thread needs, decided before the response starts.
    struct Job: Sendable {
        let database: any PoolDatabase
        let records: AccessRecords
        let actor: Actor
        let scope: CustomerScope
        let filter: CustomerFilter
        let pools: [Pool]
        let owners: [UserID: String]
        let asked: String
        let timeZone: TimeZone

        /// Writes the file; `done` runs once the export is recorded and before the stream ends, so
        /// a client that has the whole file finds the export's place among the heavy operations
        /// given back.
        func write(to stream: EventStream, done: () -> Void) {
            var written: [CustomerID] = []
            var rows = 0
            defer {
                try? records.record(
                    AccessEntry(userID: actor.userID, tokenID: nil, kind: .export, customerIDs: written, filter: asked, rows: rows))
                done()
                stream.finish()
            }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = timeZone
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            func format(_ date: Date?) -> String { date.map(formatter.string(from:)) ?? "–" }
            guard stream.send(CSV.byteOrderMark + CSV.line(CustomerExport.columns), waitingBelow: CustomerExport.queued) else { return }
            var after: CustomerCursor?
            repeat {
                guard let page = try? database.customerPage(
                    CustomerQuery(scope: scope, filter: filter, first: CustomerExport.pageSize, after: after))
                else { return }
                var chunk: [UInt8] = []
                for customer in page.customers.map({ Masking.shown($0, in: pools) }) {
                    chunk += CSV.line([
                        customer.name, customer.phone ?? "", customer.email ?? "", customer.industry ?? "", customer.region ?? "",
                        customer.level ?? "", customer.source ?? "", customer.status.rawValue,
                        customer.ownerID.flatMap { owners[$0] } ?? "", pools.first { $0.id == customer.poolID }?.name ?? "",
                        format(customer.createdAt), format(customer.lastFollowUpAt),
                    ])
                }
                guard stream.send(chunk, waitingBelow: CustomerExport.queued) else { return }
                rows += page.customers.count
                if written.count < AccessRecord.idLimit { written += page.customers.prefix(AccessRecord.idLimit - written.count).map(\.id) }
                after = page.hasNextPage ? page.cursors.last : nil
            } while after != nil
        }
    }
}
