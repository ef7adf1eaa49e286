import Foundation
import GraphQLAdmission

/// Everything kept for one query text, in one entry of the endpoint's LRU cache: the admitted
/// document (parsed and validated once, with the depth and cost verdicts of its variable-free
/// operations) and the compiled plan of each of its operations, by name. One entry per text
/// means one bound and one eviction for all three.
final class CachedQuery: @unchecked Sendable {
    let admitted: AdmittedDocument
    private let lock = NSLock()
    /// By operation name ("" for the only one); nil: left to the reference executor.
    private var plans: [String: OperationPlan?] = [:]

    init(_ admitted: AdmittedDocument) { self.admitted = admitted }

    /// The plan of operation `name`, compiled by `make` the first time.
    func plan(named name: String?, _ make: () -> OperationPlan?) -> OperationPlan? {
        let key = name ?? ""
        if let known = lock.withLock({ plans[key] }) { return known }
        let made = make()
        lock.withLock { plans[key] = made }
        return made
    }

    /// Plans compiled (not left to the reference executor).
    var compiledPlans: Int { lock.withLock { plans.values.filter { $0 != nil }.count } }
}
