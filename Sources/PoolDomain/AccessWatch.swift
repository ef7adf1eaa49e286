/// The limits on looking at customers in bulk, set when the server starts.
public struct AccessWatch: Sendable, Equatable {
    /// Exports a manager may make per day (administrators are not limited); nil: no limit.
    public var managerExportsPerDay: Int?
    /// Exports and reveals by one user in one day above which an alert fires (once that day).
    public var alertThreshold: Int
    /// An API token's customer page of at least this many rows is recorded (as is every page
    /// after the first).
    public var bulkPageRows: Int

    public init(managerExportsPerDay: Int? = 5, alertThreshold: Int = 20, bulkPageRows: Int = 100) {
        self.managerExportsPerDay = managerExportsPerDay
        self.alertThreshold = alertThreshold
        self.bulkPageRows = bulkPageRows
    }

    public static let standard = AccessWatch()

    /// Whether a record of `kind` counts towards the daily alert (bulk lists and partner reads
    /// are integrations' normal work; exports and reveals are people's).
    public static func countsTowardsAlert(_ kind: AccessRecord.Kind) -> Bool {
        kind == .export || kind == .reveal
    }
}
