/// What a user may do in general; per-customer decisions live in `AccessPolicy`.
public enum Role: String, CaseIterable, Sendable, Codable {
    case admin
    case manager
    case rep

    /// Managers and admins run the team; reps work customers.
    public var isManagerial: Bool { self != .rep }
}
