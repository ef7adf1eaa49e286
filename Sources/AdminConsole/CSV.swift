/// RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF, an optional UTF-8 BOM.
enum CSV {
    static func parse(_ bytes: [UInt8]) -> [[String]] {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows.filter { !($0.count == 1 && $0[0].isEmpty) }
    }

    /// A CSV file Excel opens with Chinese intact: UTF-8 with a byte-order mark, CRLF lines.
    static func write(_ rows: [[String]]) -> [UInt8] {
        byteOrderMark + rows.flatMap(line)
    }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// One row and its CRLF, for files written a row at a time (`CustomerExport`).
    static func line(_ fields: [String]) -> [UInt8] {
        Array((fields.map(quote).joined(separator: ",") + "\r\n").utf8)
    }

    private static func quote(_ field: String) -> String {
        var safe = field
        // Cells starting with = + - @ are formulas in spreadsheets; prefix them so they stay text.
        if let first = safe.first, "=+-@".contains(first) { safe = "'" + safe }
        guard safe.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
