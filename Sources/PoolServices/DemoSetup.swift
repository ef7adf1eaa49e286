import Foundation
import PoolDomain
import PoolStore

/// `serve --demo`: fills an empty database with the demo organisation and customers, gives its
/// managers and administrators the demo password, and issues an administrator's token. A
/// database that already holds data gets only the token: `--demo` pointed at real data must
/// never reset anyone's password.
public struct DemoSetup: Sendable {
    public static let password = "gonghai-demo"

    let store: SQLitePoolDatabase

    public init(store: SQLitePoolDatabase) { self.store = store }

    /// The admin token, and what was seeded (nil: the database was not empty).
    public func prepare(now: Date) throws -> (token: String, seeded: DemoSeeder.Summary?) {
        let seeder = DemoSeeder(database: store)
        let people = PeopleAdministration(store: store)
        var seeded: DemoSeeder.Summary?
        if try seeder.isEmpty() {
            seeded = try seeder.seed(now: now)
            for user in try store.users() where user.active && Sessions.mayUseConsole(user) {
                try people.setPassword(user.id, Self.password, hasher: .standard, by: nil)
            }
        }
        guard let admin = try store.users().first(where: { $0.active && Capabilities(of: Actor($0)).manageUsers }) else {
            throw PoolError.invalidInput(field: "demo", message: "the database has no active admin; add one with `gonghai users add`")
        }
        return (try people.issueToken(for: admin.id, label: "demo", by: nil), seeded)
    }
}
