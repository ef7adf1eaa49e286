import Foundation

/// The editable fields of a customer, validated. The owner is never among them.
public struct CustomerDraft: Sendable, Equatable {
    public var name: String
    public var phone: String?
    public var email: String?
    public var industry: String?
    public var region: String?
    public var level: String?
    public var source: String?
    public var status: CustomerStatus
    public var dealAmountCents: Int64?

    public init(
        name: String, phone: String? = nil, email: String? = nil, industry: String? = nil,
        region: String? = nil, level: String? = nil, source: String? = nil,
        status: CustomerStatus = .lead, dealAmountCents: Int64? = nil
    ) {
        self.name = name
        self.phone = phone
        self.email = email
        self.industry = industry
        self.region = region
        self.level = level
        self.source = source
        self.status = status
        self.dealAmountCents = dealAmountCents
    }

    public init(_ customer: Customer) {
        self.init(
            name: customer.name, phone: customer.phone, email: customer.email,
            industry: customer.industry, region: customer.region, level: customer.level,
            source: customer.source, status: customer.status,
            dealAmountCents: customer.dealAmountCents)
    }

    public var duplicateKeys: DuplicateKeys { DuplicateKeys(name: name, phone: phone, email: email) }

    /// Trims every field, turns blanks into nil, and refuses what no CRM would store.
    public func validated() throws -> CustomerDraft {
        var draft = self
        draft.name = name.trimmingWhitespace()
        guard !draft.name.isEmpty else {
            throw PoolError.invalidInput(field: "name", message: "a name is required")
        }
        guard draft.name.count <= 200 else {
            throw PoolError.invalidInput(field: "name", message: "at most 200 characters")
        }
        guard !DuplicateKeys.normalizeName(draft.name).isEmpty else {
            throw PoolError.invalidInput(field: "name", message: "the name has no letters or digits")
        }
        draft.phone = try Self.optional(phone, "phone", max: 40)
        if let phone = draft.phone, DuplicateKeys.normalizePhone(phone) == nil {
            throw PoolError.invalidInput(field: "phone", message: "not a phone number")
        }
        draft.email = try Self.optional(email, "email", max: 254)
        if let email = draft.email, !Self.looksLikeEmail(email) {
            throw PoolError.invalidInput(field: "email", message: "not an e-mail address")
        }
        draft.industry = try Self.optional(industry, "industry", max: 100)
        draft.region = try Self.optional(region, "region", max: 100)
        draft.level = try Self.optional(level, "level", max: 20)
        draft.source = try Self.optional(source, "source", max: 100)
        if let amount = dealAmountCents, amount < 0 {
            throw PoolError.invalidInput(field: "dealAmount", message: "must not be negative")
        }
        return draft
    }

    private static func optional(_ value: String?, _ field: String, max: Int) throws -> String? {
        guard let trimmed = value?.trimmingWhitespace(), !trimmed.isEmpty else { return nil }
        guard trimmed.count <= max else {
            throw PoolError.invalidInput(field: field, message: "at most \(max) characters")
        }
        return trimmed
    }

    private static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !text.contains(where: \.isWhitespace)
    }
}
