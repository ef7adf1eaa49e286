import Foundation
import PoolDomain
import PoolStore
import PostgresStore
import TestSupport
import Testing

/// The store's backend-neutral SQL on PostgreSQL: the same statements, column lists and
/// decoders as on SQLite, and the settings memo kept right across instances.
@Suite struct PostgresSQLSessionTests {
    let url: String

    init() throws { url = try PostgresTestCluster.shared.get().migratedDatabase() }

    @Test func placeholdersAreNumberedOutsideQuotes() throws {
        let db = try PostgresConnection(url)
        let row = try #require(try db.fetchOne("SELECT ?::int + ?::int, '?', \"?\" FROM (SELECT 1 AS \"?\") t", [.int(2), .int(3)]) { row in
            (row.int64(0), row.text(1), row.text(2))
        })
        #expect(row.0 == 5 && row.1 == "?" && row.2 == "1")
        #expect(try db.execute("UPDATE settings_version SET directory_token = ? WHERE id = ?", [.int(7), .int(1)]) == 1)
    }

    /// Every column list `RowDecoding` selects exists in the PostgreSQL schema and decodes to
    /// the values written.
    @Test func theSharedColumnListsDecodeFromThePostgresSchema() throws {
        let db = try PostgresConnection(url)
        let department = try #require(try db.fetchOne("INSERT INTO departments (name) VALUES ('华东') RETURNING id") { $0.int64(0) })
        let rep = try #require(try db.fetchOne(
            "INSERT INTO users (name, role, department_id, created_at, on_leave) VALUES ('李娜', 'rep', ?, 1700000000000, 1) RETURNING id",
            [.int(department)]) { $0.int64(0) })
        let pool = try #require(try db.fetchOne(
            "INSERT INTO pools (name, industries, regions, priority, is_default) VALUES ('东区', '[\"制造\"]', '[\"浙江\"]', 5, 1) RETURNING id"
        ) { $0.int64(0) })
        let customer = try #require(try db.fetchOne(
            """
            INSERT INTO customers (name, name_key, phone, industry, region, status, deal_amount_cents, owner_id,
              locked, created_at, owner_since, updated_at)
            VALUES ('杭州机械', 'hzjx', '13800000000', '制造', '浙江', 'won', 1250, ?, 1, 1700000000000, 1700000001000, 1700000002000)
            RETURNING id
            """, [.int(rep)]) { $0.int64(0) })

        let user = try #require(try db.fetchOne("SELECT \(RowDecoding.userColumns) FROM users", RowDecoding.user))
        #expect(user.id == UserID(rep) && user.name == "李娜" && user.role == .rep && user.departmentID == DepartmentID(department))
        #expect(user.active && user.onLeave && user.createdAt == Date(timeIntervalSince1970: 1_700_000_000))
        let decoded = try #require(try db.fetchOne("SELECT \(RowDecoding.customerColumns) FROM customers", RowDecoding.customer))
        #expect(decoded.id == CustomerID(customer) && decoded.name == "杭州机械" && decoded.phone == "13800000000")
        #expect(decoded.placement == .owned(by: UserID(rep)) && decoded.locked && decoded.status == .won)
        #expect(decoded.dealAmountCents == 1250 && decoded.email == nil && decoded.ownerSince == Date(timeIntervalSince1970: 1_700_000_001))
        let pools = try SettingsQueries.pools(db)
        #expect(pools.map(\.id) == [PoolID(pool)] && pools[0].industries == ["制造"] && pools[0].isDefault && pools[0].priority == 5)
        #expect(try SettingsQueries.departments(db).map(\.name) == ["华东"])
    }

    /// Two instances each keep the settings; a pool or access change committed through one is
    /// what the other reads next, because the memo checks the token the triggers change.
    @Test func aSettingsChangeThroughOneInstanceIsSeenByTheOthersNextRead() throws {
        let (first, second) = (try PostgresConnection(url), try PostgresConnection(url))
        let (memoOne, memoTwo) = (TokenMemo<Settings>(token: \.settings), TokenMemo<Settings>(token: \.settings))
        #expect(try memoOne.value(first).pools.isEmpty && memoTwo.value(second).pools.isEmpty)
        let pool = try #require(try first.fetchOne("INSERT INTO pools (name) VALUES ('西区') RETURNING id") { $0.int64(0) })
        #expect(try memoTwo.value(second).pools.map(\.name) == ["西区"])
        try first.execute("INSERT INTO pool_access (pool_id, principal_kind, principal_value, level) VALUES (?, 'role', 'rep', 'member')", [.int(pool)])
        #expect(try memoTwo.value(second).access.entries[PoolID(pool)]?.count == 1)
        try first.execute("INSERT INTO owner_limits (scope_kind, scope_id, max_private) VALUES ('everyone', 0, 30)", [])
        #expect(try memoTwo.value(second).limits[.everyone]?.maxPrivate == 30)
        #expect(try memoOne.value(first).limits[.everyone]?.maxPrivate == 30)
        let directory = TokenMemo<Directory>(token: \.directory)
        #expect(try directory.value(second).users.isEmpty)
        try first.execute("INSERT INTO users (name, role, created_at) VALUES ('王磊', 'manager', 0)", [])
        #expect(try directory.value(second).users.values.map(\.name) == ["王磊"])
    }

    /// Inside a transaction both memos' tokens are read in one statement, once, until the
    /// transaction writes: a page's settings and owners cost one round trip, not two, and a
    /// change made in the transaction itself is still seen.
    @Test func aTransactionReadsTheTokensOnceUntilItWrites() throws {
        let log = Locked<[String]>([])
        let connection = try PostgresConnection(url, observer: { statement in log.mutate { $0.append(statement) } })
        let (settings, directory) = (TokenMemo<Settings>(token: \.settings), TokenMemo<Directory>(token: \.directory))
        try connection.transaction {
            _ = try settings.value(connection)
            _ = try directory.value(connection)
            _ = try settings.value(connection)
            #expect(log.value.filter { $0.contains("settings_version") }.count == 1)
            try connection.execute("INSERT INTO pools (name) VALUES ('东区')", [])
            #expect(try settings.value(connection).pools.map(\.name) == ["东区"], "its own write is seen")
        }
        #expect(log.value.filter { $0.contains("settings_version") }.count == 2)
    }
}
