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
}

/// Lists bound as one parameter (see `SQLDialect.idList`).
public enum SQLList {
    public static func ids(_ ids: [Int64]) -> SQLValue {
        .text("[" + ids.map(String.init).joined(separator: ",") + "]")
    }
}
