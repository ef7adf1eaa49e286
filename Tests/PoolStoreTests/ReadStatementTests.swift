import GRDB
import GRDBSQLite
import Testing

@testable import PoolStore

/// Reads that go straight to SQLite bind every kind of value as GRDB did, refuse what GRDB
/// refused, and leave the statement as GRDB expects to find it; writes keep GRDB's way.
@Suite struct ReadStatementTests {
    /// Each value bound alone and read back with its SQLite type.
    @Test func everyKindOfValueBindsAsItIs() throws {
        let queue = try DatabaseQueue()
        let values: [SQLValue] = [
            .null, .int(0), .int(Int64.min), .int(Int64.max), .double(-2.5), .text(""), .text("中文 😀"), .text("a\u{0}b"),
            .blob([]), .blob([0, 255, 7]),
        ]
        let read = try queue.read { (db: Database) throws in
            try values.map { value in
                try db.fetchAll("SELECT typeof(?1), quote(?1), length(CAST(?1 AS BLOB))", [value]) { row in
                    "\(row.text(0)) \(row.text(1)) \(row.isNull(2) ? "-" : String(row.int64(2)))"
                }
            }
        }
        #expect(read.map { $0.first ?? "none" } == [
            "null NULL -", "integer 0 1", "integer -9223372036854775808 20", "integer 9223372036854775807 19", "real -2.5 4",
            "text '' 0", "text '中文 😀' 11", "text 'a' 1", "blob X'' 0", "blob X'00FF07' 3",
        ])
    }

    /// A text with a NUL inside binds up to the NUL, exactly as GRDB binds it for the writes:
    /// the same bytes either way, and none left for FTS5's query parser to call an unterminated
    /// string (the fuzzer's `search: "00\u0000"` answered INTERNAL when the whole text was bound).
    @Test func aTextEndsAtItsFirstNULAsGRDBBindsIt() throws {
        let queue = try Self.database(
            "CREATE VIRTUAL TABLE words USING fts5(word, tokenize = 'trigram')", "INSERT INTO words VALUES ('order 007'), ('other')")
        try queue.read { (db: Database) throws in
            for text in ["00\u{0}", "a\u{0}b\u{0}", "\u{0}x", "中\u{0}文"] {
                let ours = try db.fetchAll("SELECT hex(?)", [.text(text)]) { $0.text(0) }
                let grdbs = try String.fetchOne(db, sql: "SELECT hex(?)", arguments: [text])
                #expect(ours == [grdbs ?? "none"], "\(text.unicodeScalars.map(\.value))")
            }
            // Quoted as a phrase around the bound text, as the customer search quotes it.
            let phrase = try db.fetchAll("SELECT word FROM words WHERE words MATCH ('\"' || ? || '\"')", [.text("007\u{0}8")]) { $0.text(0) }
            #expect(phrase == ["order 007"])
        }
    }

    /// An in-memory database after `statements`.
    private static func database(_ statements: String...) throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { (db: Database) throws in
            for statement in statements { try db.execute(sql: statement) }
        }
        return queue
    }

    @Test func theWrongNumberOfArgumentsIsAnErrorAndTheStatementStaysUsable() throws {
        let queue = try DatabaseQueue()
        try queue.read { (db: Database) throws in
            #expect(throws: DatabaseError.self) { try db.fetchAll("SELECT ? + ?", [.int(1)]) { $0.int64(0) } }
            #expect(try db.fetchAll("SELECT ? + ?", [.int(1), .int(2)]) { $0.int64(0) } == [3])
        }
    }

    /// A failure while stepping carries SQLite's message; the statement is reset after it and
    /// after a complete read alike, so it holds no snapshot and runs again from the start.
    @Test func failuresCarrySQLitesMessageAndNothingStaysStepped() throws {
        let queue = try Self.database("CREATE TABLE t (n INTEGER)", "INSERT INTO t VALUES (1), (2), (3)")
        try queue.read { (db: Database) throws in
            do {
                _ = try db.fetchAll("SELECT json_extract(?, '$')", [.text("{not json")]) { $0.text(0) }
                Issue.record("malformed JSON was read")
            } catch let error as DatabaseError {
                #expect(error.message?.contains("JSON") == true, "\(error)")
            }
            let sql = "SELECT n FROM t WHERE n >= ? ORDER BY n"
            #expect(try db.fetchAll(sql, [.int(2)]) { $0.int64(0) } == [2, 3])
            let statement = try db.cachedStatement(sql: sql)
            #expect(sqlite3_stmt_busy(statement.sqliteStatement) == 0)
            #expect(try db.fetchAll(sql, [.int(1)]) { $0.int64(0) } == [1, 2, 3])
            // GRDB still runs the statement it caches, with its own arguments.
            #expect(try Int64.fetchAll(statement, arguments: [3]) == [3])
            #expect(try db.fetchAll(sql, [.int(3)]) { $0.int64(0) } == [3])
        }
    }

    /// Only a statement SQLite says cannot write is stepped directly: a write's rows come back
    /// through GRDB, which tells its transaction observers about it.
    @Test func writesKeepGRDBsWay() throws {
        let queue = try DatabaseQueue()
        try queue.write { (db: Database) throws in
            try db.execute(sql: "CREATE TABLE t (n INTEGER)")
            #expect(ReadStatement.admits(try db.cachedStatement(sql: "SELECT n FROM t")))
            #expect(!ReadStatement.admits(try db.cachedStatement(sql: "INSERT INTO t VALUES (?) RETURNING n")))
            #expect(try db.fetchAll("INSERT INTO t VALUES (?) RETURNING n * 2", [.int(21)]) { $0.int64(0) } == [42])
            #expect(try Int64.fetchAll(db, sql: "SELECT n FROM t") == [21])
        }
    }
}
