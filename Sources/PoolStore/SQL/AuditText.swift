import Foundation
import PoolDomain

/// What the audit log records of a user or pool before and after a change, as JSON text.
public enum AuditText {
    public static func describe(_ user: User) -> String {
        "{\"name\":\(json(user.name)),\"role\":\"\(user.role.rawValue)\",\"department\":\(user.departmentID.map { String($0.rawValue) } ?? "null"),\"active\":\(user.active),\"onLeave\":\(user.onLeave)}"
    }

    public static func describe(_ pool: Pool) -> String {
        "{\"name\":\(json(pool.name)),\"industries\":\(RowDecoding.encodeList(pool.industries)),\"regions\":\(RowDecoding.encodeList(pool.regions)),\"priority\":\(pool.priority),\"default\":\(pool.isDefault),\"ruleVersion\":\(pool.ruleVersion),\"rules\":\(RowDecoding.encodeRules(pool.rules))}"
    }

    public static func json(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
