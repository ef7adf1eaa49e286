/// Picks who gets the next pool customer under auto-assignment: fair and predictable.
public enum AutoAssigner {
    public struct Candidate: Sendable, Equatable {
        public let userID: UserID
        /// Free places under the owner limit; nil when unlimited.
        public let capacityLeft: Int?

        public init(userID: UserID, capacityLeft: Int?) {
            self.userID = userID
            self.capacityLeft = capacityLeft
        }
    }

    /// - Parameters:
    ///   - candidates: eligible members (active, not on leave, may receive this customer).
    ///   - after: the member who got the previous customer (the round-robin cursor).
    public static func pick(_ candidates: [Candidate], mode: AutoAssignMode, after: UserID?) -> UserID? {
        let open = candidates.filter { ($0.capacityLeft ?? 1) > 0 }.sorted { $0.userID < $1.userID }
        guard !open.isEmpty else { return nil }
        let turnOrder = rotated(open, after: after)
        switch mode {
        case .off:
            return nil
        case .roundRobin:
            return turnOrder.first?.userID
        case .weighted:
            let most = turnOrder.map { $0.capacityLeft ?? Int.max }.max()!
            return turnOrder.first { ($0.capacityLeft ?? Int.max) == most }?.userID
        }
    }

    private static func rotated(_ sorted: [Candidate], after: UserID?) -> [Candidate] {
        guard let after, let index = sorted.firstIndex(where: { $0.userID > after }) else { return sorted }
        return Array(sorted[index...] + sorted[..<index])
    }
}
