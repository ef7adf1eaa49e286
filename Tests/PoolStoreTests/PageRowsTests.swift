import GRDB
import Testing

@testable import PoolStore

/// A page's rows copied out of SQLite read back as the statement's own rows did: NULL apart from
/// empty text, integers exact, text intact after its storage grows.
@Suite struct PageRowsTests {
    /// Rows of (integer or NULL, text or NULL), copied through `Columns` as a page is.
    private func copied(_ values: [(Int64?, String?)], room: Int? = nil) throws -> PageRows {
        let queue = try DatabaseQueue()
        let page = PageRows(kinds: [false, true], rows: room ?? values.count)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (position INTEGER PRIMARY KEY, number INTEGER, label TEXT)")
            for (position, (number, label)) in values.enumerated() {
                try db.execute(sql: "INSERT INTO t VALUES (?, ?, ?)", arguments: [position, number, label])
            }
            _ = try db.fetchAll(cachedSQL: "SELECT number, label FROM t ORDER BY position") { page.append($0) }
        }
        return page
    }

    private func readBack(_ page: PageRows) -> [(Int64?, String?)] {
        var rows: [(Int64?, String?)] = []
        page.visit { row in
            rows.append((row.optionalInt64(0), row.isNull(1) ? nil : String(decoding: row.bytes(1), as: UTF8.self)))
        }
        return rows
    }

    @Test func nullIsToldFromEmptyTextAndFromZero() throws {
        let values: [(Int64?, String?)] = [(nil, nil), (0, ""), (-7, "a"), (Int64.max, nil), (Int64.min, "")]
        let page = try copied(values)
        #expect(page.count == values.count)
        let rows = readBack(page)
        #expect(rows.map(\.0) == values.map(\.0))
        #expect(rows.map(\.1) == values.map(\.1))
        page.visit { row in
            // NULL text reads as empty, as SQLite's and libpq's rows read it.
            if row.isNull(1) { #expect(row.bytes(1).isEmpty && row.optionalBytes(1) == nil) }
        }
    }

    @Test func textOutgrowingItsFirstRoomStaysIntact() throws {
        // The text storage starts at 64 bytes a row: these rows hold far more, in CJK.
        let values: [(Int64?, String?)] = (0..<40).map { index in
            (Int64(index), String(repeating: "公海客户\(index)", count: index % 7 + 1) + String(repeating: "x", count: index * 11))
        }
        let rows = readBack(try copied(values))
        #expect(rows.map(\.0) == values.map(\.0))
        #expect(rows.map(\.1) == values.map(\.1))
    }

    @Test func aPageHoldsFewerRowsThanItsRoom() throws {
        let page = try copied([(1, "one"), (2, "two")], room: 21)
        #expect(page.count == 2)
        #expect(readBack(page).map(\.1) == ["one", "two"])
    }

    @Test func sqliteTellsNullTextFromEmptyInOneCall() throws {
        let queue = try DatabaseQueue()
        let answers = try queue.read { db in
            try db.fetchAll(cachedSQL: "SELECT NULL, '', 'abc'") { row in
                (row.optionalBytes(0).map(\.count), row.optionalBytes(1).map(\.count), row.optionalBytes(2).map(\.count))
            }
        }
        #expect(answers.count == 1)
        #expect(answers[0].0 == nil)
        #expect(answers[0].1 == 0)
        #expect(answers[0].2 == 3)
    }
}
