import Foundation
import PoolDomain

/// The text search of the customer lists: a customer matches when its name, its e-mail or its
/// phone digits contain the text, and a masked e-mail or phone never matches (a search would
/// otherwise reveal it one character at a time).
///
/// The condition itself is a `LIKE` on each value; what makes it fast at a million customers
/// is a trigram index that finds the candidates first:
/// - PostgreSQL: `pg_trgm` GIN indexes on `lower(name)`, `email_key` and `phone_key` answer the
///   very same `LIKE`s (a bitmap OR of three index scans), so nothing changes in the SQL;
/// - SQLite: the FTS5 table `customer_search` (trigram tokenizer, kept by triggers) gives the
///   ids whose values contain the text; the `LIKE`s then check those rows only, so the
///   answer (masking included) is exactly the scan's.
/// A trigram index cannot find text shorter than three characters: such a search, rare and
/// usually a typo, still scans (within the statement's time limit).
struct CustomerSearch {
    let text: String
    let masked: MaskedPools
    let dialect: SQLDialect

    /// Name, e-mail or phone digits containing `text`; masked values never match.
    var condition: SQLFragment {
        // No stored value holds a NUL (both backends end a bound text at it), so a text with one
        // matches nothing; bound, it would end the patterns early and leave FTS5 an
        // unterminated phrase.
        guard !text.unicodeScalars.contains("\u{0}") else { return "1 = 0" }
        let exact = likes
        guard dialect == .sqlite, let candidates = fullTextQuery else { return exact }
        return SQLFragment("(id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?) AND ", [.text(candidates)])
            + exact + ")"
    }

    private var lowered: String { text.lowercased() }

    private var digits: String? { DuplicateKeys.normalizePhone(text) }

    private var likes: SQLFragment {
        let pattern = SQLValue.text("%" + Self.escapeLike(lowered) + "%")
        var clause = SQLFragment(
            """
            (lower(name) LIKE ? ESCAPE '\\'
             OR (email_key LIKE ? ESCAPE '\\' AND (pool_id IS NULL OR pool_id NOT IN (\(dialect.idList))))
            """, [pattern, pattern, SQLList.ids(masked.email)])
        if let digits {
            clause += SQLFragment(
                " OR (phone_key LIKE ? AND (pool_id IS NULL OR pool_id NOT IN (\(dialect.idList))))",
                [.text("%" + digits + "%"), SQLList.ids(masked.phone)])
        }
        return clause + ")"
    }

    /// An FTS5 query whose matches include every row the `LIKE`s match: rows holding each
    /// trigram of the text (in any column: the index keeps no columns), or each trigram of the
    /// phone digits. The tokenizer folds case, which only widens the candidates. Nil when the
    /// text is too short for a trigram (normalized phone digits are never shorter than five).
    var fullTextQuery: String? {
        let text = Self.trigrams(lowered)
        guard !text.isEmpty else { return nil }
        var query = "(" + text.map(Self.phrase).joined(separator: " AND ") + ")"
        if let digits { query += " OR (" + Self.trigrams(digits).map(Self.phrase).joined(separator: " AND ") + ")" }
        return query
    }

    /// Up to eight distinct trigrams spread over `text`, by Unicode scalar as the tokenizer
    /// counts: a row holding the text holds every one of them, and more add little but work.
    static func trigrams(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 3 else { return [] }
        let count = scalars.count - 2
        let step = max(1, count / 8)
        var seen = Set<String>()
        var picked: [String] = []
        for start in Array(stride(from: 0, to: count, by: step)) + [count - 1] {
            var trigram = String.UnicodeScalarView()
            trigram.append(contentsOf: scalars[start..<start + 3])
            let text = String(trigram)
            if seen.insert(text).inserted { picked.append(text) }
        }
        return picked
    }

    /// An FTS5 string: quoted, inner quotes doubled; nothing inside is syntax.
    static func phrase(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
