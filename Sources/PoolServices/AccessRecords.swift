import Foundation
import PoolDomain
import PoolStore

/// Who saw what: what is recorded, the limit on managers' exports, the daily alert, and who
/// may read the records (administrators).
public struct AccessRecords: Sendable {
    let store: any PoolDatabase
    let clock: any TimeSource
    let watch: AccessWatch
    let onAlert: @Sendable (AccessOutcome) -> Void

    /// Refuses an export the actor may not make: the role (`AccessPolicy`), then a manager's
    /// exports of the day (`AccessWatch.managerExportsPerDay`; administrators are not limited).
    public func beginExport(by actor: Actor) throws {
        try AccessPolicy.require(.exportCustomers, by: actor)
        guard actor.role == .manager, let limit = watch.managerExportsPerDay else { return }
        let today = store.calendar.start(of: store.calendar.day(of: clock.now()))
        let made = try store.accessCount(of: actor.userID, kinds: [.export], since: today)
        if made >= limit {
            throw PoolError.rateLimited("The daily export limit for managers is reached; try again tomorrow or ask an administrator")
        }
    }

    /// Records a look at customers; raises the day's alert (webhook `access.alert` and the
    /// server's log) the first time the user's exports and reveals of the day pass the threshold.
    @discardableResult
    public func record(_ entry: AccessEntry) throws -> AccessOutcome {
        let outcome = try store.recordAccess(entry, alertThreshold: watch.alertThreshold)
        if outcome.alerted { onAlert(outcome) }
        return outcome
    }

    /// Whether a page of a customer list is recorded: an API token's page after the first, or
    /// one of at least `bulkPageRows` rows (a partner paging through the list). The console's
    /// lists are for people at a screen, and its bulk path, the export, is recorded itself.
    public func recordsList(rows: Int, continuing: Bool, by actor: Actor) -> Bool {
        actor.tokenID != nil && rows > 0 && (continuing || rows >= watch.bulkPageRows)
    }

    /// Whether reading unmasked contact details is recorded: through an API token, where data
    /// leaves the product for another system.
    public func recordsContactReads(by actor: Actor) -> Bool { actor.tokenID != nil }

    /// Newest first. Administrators.
    public func list(_ filter: AccessRecordFilter, first: Int, before: Int64?, by actor: Actor) throws -> [AccessRecord] {
        try AccessPolicy.require(.readAccessRecords, by: actor)
        guard (1...500).contains(first) else { throw PoolError.invalidInput(field: "first", message: "1 to 500") }
        return try store.accessRecords(filter, first: first, before: before)
    }

    /// The days users went past the alert threshold, newest first. Administrators.
    public func alerts(first: Int, by actor: Actor) throws -> [AccessAlert] {
        try AccessPolicy.require(.readAccessRecords, by: actor)
        return try store.accessAlerts(first: min(max(first, 1), 500))
    }
}
