/// The sales stage of a customer. `won`, `lost` and `invalid` end the pipeline.
public enum CustomerStatus: String, CaseIterable, Sendable, Codable {
    case lead
    case contacted
    case negotiating
    case won
    case lost
    case invalid

    public var isClosed: Bool { self == .won || self == .lost || self == .invalid }
}
