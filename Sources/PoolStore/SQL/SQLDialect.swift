import Foundation

/// The few places where SQLite's and PostgreSQL's SQL differ for the store's queries.
public enum SQLDialect: Sendable {
    case sqlite, postgres

    /// A subquery of the ids in one parameter bound as a JSON array (`SQLList.ids`): one
    /// statement text for any batch size, no SQL built from values.
    public var idList: String {
        switch self {
        case .sqlite: return "SELECT value FROM json_each(?)"
        case .postgres: return "SELECT value::bigint FROM json_array_elements_text(CAST(? AS json))"
        }
    }

    /// The same for texts (`SQLList.texts`).
    public var textList: String {
        switch self {
        case .sqlite: return "SELECT value FROM json_each(?)"
        case .postgres: return "SELECT value FROM json_array_elements_text(CAST(? AS json))"
        }
    }

    /// The larger of two values (SQLite's two-argument `max`, PostgreSQL's `GREATEST`).
    public var greatest: String {
        switch self {
        case .sqlite: return "max"
        case .postgres: return "GREATEST"
        }
    }

    /// Taken first by the transaction that may count the daily facts again (`DailyFacts.ensure`):
    /// PostgreSQL's instances may start together; SQLite's write transaction is already alone.
    public var factsLock: String? {
        switch self {
        case .sqlite: return nil
        case .postgres: return "SELECT pg_advisory_xact_lock(7305017)"
        }
    }

    /// Whether an error inside a transaction aborts it: PostgreSQL refuses every later
    /// statement of a transaction after an error; SQLite undoes only the failed statement.
    public var errorAbortsTransaction: Bool { self == .postgres }
}

/// Lists bound as one parameter (see `SQLDialect.idList`).
public enum SQLList {
    public static func ids(_ ids: [Int64]) -> SQLValue {
        .text("[" + ids.map(String.init).joined(separator: ",") + "]")
    }

    public static func texts(_ texts: [String]) -> SQLValue {
        let data = try? JSONSerialization.data(withJSONObject: texts)
        return .text(data.map { String(decoding: $0, as: UTF8.self) } ?? "[]")
    }
}
