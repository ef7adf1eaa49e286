import PoolDomain
import PoolStore

/// Importing customers (the console's CSV, the API's `importCustomers`): administrators only;
/// a thousand rows per transaction with a savepoint per row (a duplicate refuses its row, not
/// the file), and each import as a whole audited.
public struct CustomerImport: Sendable {
    let store: any PoolDatabase
    var heavyWork = HeavyWork(limit: 1)

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

    /// Rows per API call, and per transaction of a longer import: a transaction stays short for
    /// the other writers.
    public static let maxRows = 1000

    /// Checks and imports `rows`, one outcome per row in order: invalid rows and unknown owners
    /// are refused here, duplicates (of stored customers or of earlier rows) and unroutable rows
    /// by the store; the others are created, a thousand rows per transaction. A dry run checks
    /// every row in one transaction, rolled back, so duplicates between any two rows show.
    public func importRows(_ rows: [Row], dryRun: Bool, by actor: Actor) throws -> [ImportOutcome] {
        try AccessPolicy.require(.importCustomers, by: actor)
        return try heavyWork.run { try checkedAndImported(rows, dryRun: dryRun, by: actor) }
    }

    private func checkedAndImported(_ rows: [Row], dryRun: Bool, by actor: Actor) throws -> [ImportOutcome] {
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
        let chunk = dryRun ? max(accepted.count, 1) : Self.maxRows
        for start in stride(from: 0, to: accepted.count, by: chunk) {
            let part = accepted[start..<min(start + chunk, accepted.count)]
            let stored = try store.importCustomers(part.map(\.row), by: actor, dryRun: dryRun)
            for (entry, outcome) in zip(part, stored) { outcomes[entry.index] = outcome }
        }
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
