import CLibPQ
import PoolStore

/// The rows of one statement's result, in libpq's text format, freed with this object.
public final class PostgresResult {
    private let result: OpaquePointer
    public let count: Int
    public let columnCount: Int

    init(_ result: OpaquePointer) {
        self.result = result
        count = Int(PQntuples(result))
        columnCount = Int(PQnfields(result))
    }

    deinit { PQclear(result) }

    /// How many rows an INSERT, UPDATE or DELETE changed (0 for other statements).
    /// The command tag's verb: INSERT, UPDATE, DELETE, SELECT…
    public var command: Substring { String(cString: PQcmdStatus(result)).split(separator: " ").first ?? "" }

    public var rowsChanged: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    public subscript(row: Int) -> PostgresRow { PostgresRow(result: self, row: Int32(row)) }

    public var rows: [PostgresRow] { (0..<count).map { self[$0] } }

    func isNull(_ row: Int32, _ column: Int) -> Bool { PQgetisnull(result, row, Int32(column)) == 1 }

    func bytes(_ row: Int32, _ column: Int) -> UnsafeBufferPointer<UInt8> {
        let length = Int(PQgetlength(result, row, Int32(column)))
        let start = UnsafeRawPointer(PQgetvalue(result, row, Int32(column))!).assumingMemoryBound(to: UInt8.self)
        return UnsafeBufferPointer(start: start, count: length)
    }
}

/// One row; columns are read by position, as the SQLite backend reads its hot queries.
public struct PostgresRow {
    let result: PostgresResult
    let row: Int32

    public func isNull(_ column: Int) -> Bool { result.isNull(row, column) }

    public func string(_ column: Int) -> String { String(decoding: result.bytes(row, column), as: UTF8.self) }

    public func optionalString(_ column: Int) -> String? { isNull(column) ? nil : string(column) }

    /// An integer column; 0 for NULL (use `optionalInt64` where NULL means something).
    public func int64(_ column: Int) -> Int64 {
        var value: Int64 = 0
        var negative = false
        for byte in result.bytes(row, column) {
            if byte == UInt8(ascii: "-") {
                negative = true
            } else {
                value = value &* 10 &+ Int64(byte &- UInt8(ascii: "0"))
            }
        }
        return negative ? -value : value
    }

    public func optionalInt64(_ column: Int) -> Int64? { isNull(column) ? nil : int64(column) }

    public func int(_ column: Int) -> Int { Int(int64(column)) }

    public func optionalInt(_ column: Int) -> Int? { isNull(column) ? nil : int(column) }

    /// A boolean column (`t`/`f`) or an integer flag (`1`/`0`).
    public func bool(_ column: Int) -> Bool {
        guard let first = result.bytes(row, column).first else { return false }
        return first == UInt8(ascii: "t") || first == UInt8(ascii: "1")
    }

    public func double(_ column: Int) -> Double { Double(string(column)) ?? 0 }
}

/// PostgreSQL rows decode with the same `RowDecoding` as SQLite's.
extension PostgresRow: ColumnReader {
    public func int64(_ index: Int32) -> Int64 { int64(Int(index)) }
    public func isNull(_ index: Int32) -> Bool { isNull(Int(index)) }
    public func text(_ index: Int32) -> String { string(Int(index)) }
    public func bytes(_ index: Int32) -> UnsafeBufferPointer<UInt8> { result.bytes(row, Int(index)) }
}
