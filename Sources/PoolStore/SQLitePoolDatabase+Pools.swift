import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    public func createPool(_ draft: PoolDraft) throws -> Pool {
        let name = try requireName(draft.name, field: "name")
        let industries = draft.industries.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        let regions = draft.regions.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        return try writeTransaction { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM pools WHERE name = ?", arguments: [name]) != nil {
                throw PoolError.invalidInput(field: "name", message: "a pool with this name exists")
            }
            if draft.isDefault {
                try db.execute(sql: "UPDATE pools SET is_default = 0 WHERE is_default = 1")
            }
            try db.execute(
                sql: "INSERT INTO pools (name, industries, regions, priority, is_default) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    name, RowDecoding.encodeList(industries), RowDecoding.encodeList(regions),
                    draft.priority, draft.isDefault,
                ])
            return Pool(
                id: PoolID(db.lastInsertedRowID), name: name, industries: industries,
                regions: regions, priority: draft.priority, isDefault: draft.isDefault)
        }
    }

    public func pools() throws -> [Pool] {
        try read { db in try Self.fetchPools(db) }
    }

    static func fetchPools(_ db: Database) throws -> [Pool] {
        try Row.fetchAll(db, sql: "SELECT * FROM pools ORDER BY priority DESC, id").map(RowDecoding.pool)
    }
}
