import Foundation

/// Times are stored as INTEGER milliseconds since 1970: compact, indexable, exact to the ms.
public enum Timestamp {
    public static func encode(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public static func encode(optional date: Date?) -> Int64? { date.map { encode($0) } }

    public static func decode(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(millis) / 1000)
    }

    public static func decode(optional millis: Int64?) -> Date? { millis.map { decode($0) } }
}
