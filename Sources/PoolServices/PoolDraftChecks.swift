import PoolDomain
import PoolStore

/// What a pool's basics must be, checked before any write, for the console and the API alike.
extension PoolDraft {
    /// Routing priorities run 0 to 1000 (higher wins).
    public static let priorities = 0...1000
    /// The longest industry or region value, and how many a pool may route by.
    public static let maxRouteValue = 50
    public static let maxRouteValues = 100

    /// Every problem, by field (the API's input field names).
    public var problems: [(field: String, message: String)] {
        var found: [(String, String)] = []
        let trimmed = name.trimmingWhitespace()
        if trimmed.isEmpty || trimmed.count > 100 { found.append(("name", "1 to 100 characters")) }
        if !Self.priorities.contains(priority) { found.append(("priority", "0 to 1000")) }
        for (field, values) in [("industries", industries), ("regions", regions)] {
            if values.count > Self.maxRouteValues || values.contains(where: { $0.count > Self.maxRouteValue }) {
                found.append((field, "at most \(Self.maxRouteValues) values of up to \(Self.maxRouteValue) characters"))
            }
        }
        return found + rules.problems.map { ("rules." + $0.field, $0.message) }
    }

    func validated() throws -> PoolDraft {
        if let (field, message) = problems.first { throw PoolError.invalidInput(field: field, message: message) }
        return self
    }
}
