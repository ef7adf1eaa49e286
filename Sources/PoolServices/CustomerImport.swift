import PoolDomain
import PoolStore

/// Importing checked customer rows into a pool or to an owner: administrators only; each row
/// is its own transaction (a duplicate refuses its row, not the file), and the import as a
/// whole is audited.
public struct CustomerImport: Sendable {
    let store: any PoolDatabase

    /// Where imported customers go.
    public enum Destination: Sendable {
        /// A pool; nil for the default pool.
        case pool(PoolID?)
        /// A rep, who becomes the owner as if they had entered each customer.
        case owner(UserID)
    }

    /// Imports `rows` (line number, draft); returns the customers made and the rows refused.
    public func run(
        _ rows: [(line: Int, draft: CustomerDraft)], to destination: Destination, by actor: Actor
    ) throws -> (imported: Int, refused: [(line: Int, error: PoolError)]) {
        try AccessPolicy.require(.importCustomers, by: actor)
        let creator: Actor
        let pool: PoolID?
        let entity: String
        switch destination {
        case .owner(let id):
            guard let owner = try store.users(ids: [id])[id], owner.takesCustomers else {
                throw PoolError.invalidInput(field: "owner", message: "an active rep")
            }
            (creator, pool, entity) = (Actor(owner), nil, "owner \(id.rawValue)")
        case .pool(let chosen):
            let target = try chosen ?? store.pools().first(where: \.isDefault)?.id
            (creator, pool, entity) = (actor, target, "pool \(target?.rawValue ?? 0)")
        }
        var imported = 0
        var refused: [(line: Int, error: PoolError)] = []
        for (line, draft) in rows {
            do {
                _ = try store.createCustomer(draft, by: creator, intoPool: pool)
                imported += 1
            } catch let error as PoolError {
                refused.append((line, error))
            }
        }
        try store.recordAudit(actor, "import_customers", entity, before: nil, after: "{\"imported\":\(imported)}")
        return (imported, refused)
    }

    /// One row as a partner sends it: the customer, and who owns it (by name) or which pool
    /// takes it; neither routes it by industry and region.
    public struct Row: Sendable {
        public let draft: CustomerDraft
        public let ownerName: String?
        public let pool: PoolID?

        public init(draft: CustomerDraft, ownerName: String? = nil, pool: PoolID? = nil) {
            self.draft = draft
            self.ownerName = ownerName
            self.pool = pool
        }
    }

    /// Rows per call: one transaction each, so a call stays short for the other writers.
    public static let maxRows = 1000

    /// Checks and imports `rows` in one transaction (`dryRun`: rolled back), one outcome per row
    /// in order: invalid rows and unknown owners are refused here, duplicates (of stored
    /// customers or of earlier rows) and unroutable rows by the store; the others are created.
    public func importRows(_ rows: [Row], dryRun: Bool, by actor: Actor) throws -> [ImportOutcome] {
        try AccessPolicy.require(.importCustomers, by: actor)
        guard rows.count <= Self.maxRows else {
            throw PoolError.invalidInput(field: "rows", message: "at most \(Self.maxRows) rows per call")
        }
        let reps = Dictionary(try store.users().filter(\.takesCustomers).map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
        var outcomes = [ImportOutcome?](repeating: nil, count: rows.count)
        var accepted: [(index: Int, row: ImportRow)] = []
        for (index, row) in rows.enumerated() {
            do {
                accepted.append((index, try checked(row, reps: reps, by: actor)))
            } catch let error as PoolError {
                outcomes[index] = .refused(error)
            }
        }
        let stored = try store.importCustomers(accepted.map(\.row), by: actor, dryRun: dryRun)
        for (entry, outcome) in zip(accepted, stored) { outcomes[entry.index] = outcome }
        let results = outcomes.compactMap { $0 }
        if !dryRun {
            let imported = results.filter { if case .created = $0 { true } else { false } }.count
            try store.recordAudit(actor, "import_customers", "api", before: nil, after: "{\"imported\":\(imported),\"rows\":\(rows.count)}")
        }
        return results
    }

    private func checked(_ row: Row, reps: [String: UserID], by actor: Actor) throws -> ImportRow {
        let draft = try row.draft.validated()
        var owner: UserID?
        if let name = row.ownerName?.trimmingWhitespace(), !name.isEmpty {
            guard let id = reps[name] else {
                throw PoolError.invalidInput(field: "ownerName", message: "no active rep is named \(name)")
            }
            owner = id
        }
        if owner != nil && row.pool != nil {
            throw PoolError.invalidInput(field: "poolId", message: "give an owner or a pool, not both")
        }
        if let pool = row.pool { try AccessPolicy.requireWithin(pool, by: actor) }
        return ImportRow(draft: draft, owner: owner, pool: row.pool)
    }
}
