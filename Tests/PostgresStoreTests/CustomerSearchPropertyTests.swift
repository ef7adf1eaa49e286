import Foundation
import PoolDomain
import PoolServices
import PoolStore
import TestSupport
import Testing

/// The search answered from its index (SQLite's FTS5 trigram table, PostgreSQL's trigram GIN
/// indexes) finds exactly what a plain scan of the values finds, masking included, after
/// random creations, edits and erasures, for texts long enough for the index and too short
/// for it, on both backends.
@Suite struct CustomerSearchPropertyTests {
    /// Caseless and cased letters, digits and the characters LIKE and FTS5 treat specially.
    private static let alphabet = Array("aAbBcC张三丰李四15%_\" .-")

    @Test(arguments: StoreBackend.allCases)
    func theIndexedSearchFindsWhatAScanFinds(_ backend: StoreBackend) throws {
        let seed = UInt64.random(in: 1...UInt64.max)
        var random = SeededGenerator(seed: seed)  // the seed is in every message: it replays a failure
        let clock = ManualTimeSource(Date(timeIntervalSince1970: 1_793_000_000))
        let database = try backend.store(clock: clock, timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let services = PoolServices(store: database, clock: clock)
        let admin = Actor(try database.createUser(name: "admin", role: .admin, departmentID: nil))
        let rep = Actor(try database.createUser(name: "rep", role: .rep, departmentID: nil))
        let open = try database.createPool(PoolDraft(name: "Open", isDefault: true, rules: PoolRules(maskedFields: [])))
        let masked = try database.createPool(PoolDraft(name: "Masked", industries: ["retail"], priority: 5, rules: PoolRules()))
        func text(_ length: Int) -> String { String((0..<length).map { _ in Self.alphabet[random.below(Self.alphabet.count)] }) }
        func draft() -> CustomerDraft {
            CustomerDraft(
                name: "C" + text(3 + random.below(8)),
                phone: random.below(4) == 0 ? nil : "1" + String((0..<10).map { _ in Character(String(random.below(10))) }),
                email: random.below(4) == 0 ? nil : "\(["ab", "Zhang", "li.si", "x_y"][random.below(4)])\(random.below(1000))@\(["abc.cn", "mail.com"][random.below(2)])",
                industry: random.below(2) == 0 ? "retail" : "energy")
        }
        var ids: [CustomerID] = []
        for _ in 0..<80 {
            do {
                let owned = random.below(3) == 0
                ids.append(try services.operations.create(draft(), intoPool: owned ? nil : (random.below(2) == 0 ? open.id : masked.id), by: owned ? rep : admin).id)
            } catch PoolError.duplicate { continue }
        }
        for _ in 0..<30 {
            let id = ids[random.below(ids.count)]
            do {
                _ = try services.operations.update(id, by: admin) { current in
                    var edited = draft()
                    edited.industry = current.industry
                    return edited
                }
            } catch PoolError.duplicate { continue }
        }
        for id in (0..<3).map({ _ in ids[random.below(ids.count)] }) {
            _ = try database.eraseCustomer(id, reference: "test", by: admin)
        }

        let customers = try database.customers(ids: ids).values
        let maskedPools = Set([masked.id])
        func scan(_ search: String) -> Set<CustomerID> {
            let lowered = search.lowercased()
            let digits = DuplicateKeys.normalizePhone(search)
            return Set(customers.filter { customer in
                let keys = DuplicateKeys(name: customer.name, phone: customer.phone, email: customer.email)
                let hidden = customer.poolID.map(maskedPools.contains) ?? false
                return customer.name.lowercased().contains(lowered)
                    || (!hidden && keys.email?.contains(lowered) == true)
                    || (!hidden && digits != nil && keys.phone?.contains(digits!) == true)
            }.map(\.id))
        }
        var searches: [String] = []
        for customer in customers.shuffled(using: &random) {
            // Pieces of a real value, of every length, in the other case now and then.
            for value in [customer.name, customer.email ?? customer.name, customer.phone ?? customer.name] {
                let characters = Array(value)
                let length = 1 + random.below(min(characters.count, 9))
                let start = random.below(characters.count - length + 1)
                let piece = String(characters[start..<start + length])
                searches.append(random.below(3) == 0 ? piece.uppercased() : piece)
            }
        }
        searches += (0..<40).map { _ in text(1 + random.below(5)) }
        var indexed = 0
        for search in searches.prefix(200) {
            let trimmed = search.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            var filter = CustomerFilter()
            filter.text = trimmed
            let page = try database.customerPage(CustomerQuery(scope: .all, filter: filter, first: 500))
            let expected = scan(trimmed)
            #expect(Set(page.customers.map(\.id)) == expected, "search \(trimmed.debugDescription) (seed \(seed))")
            #expect(try database.countCustomers(filter, scope: .all) == expected.count, "count of \(trimmed.debugDescription) (seed \(seed))")
            #expect(try database.countCustomers(filter, scope: .all, atMost: 3) == min(expected.count, 3), "count up to 3 (seed \(seed))")
            if trimmed.count >= 3 && !expected.isEmpty { indexed += 1 }
        }
        #expect(indexed > 20, "searches long enough for the index found something (seed \(seed))")

        if let sqlite = database as? SQLitePoolDatabase {
            // The index equals its content after the walk, and after the merge an erasure starts.
            let check = "INSERT INTO customer_search(customer_search) VALUES ('integrity-check')"
            try sqlite.writeForTests { try $0.execute(sql: check) }
            try sqlite.compactSearchIndex()
            try sqlite.writeForTests { try $0.execute(sql: check) }
        }
    }
}
