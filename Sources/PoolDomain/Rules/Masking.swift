/// Hides contact details of pool customers from viewers until someone claims them.
public enum Masking {
    public static func apply(_ customer: Customer, hiding fields: Set<MaskableField>) -> Customer {
        guard !fields.isEmpty else { return customer }
        var masked = customer
        masked.phone = customer.phone.map { shown($0, as: .phone, hiding: fields) }
        masked.email = customer.email.map { shown($0, as: .email, hiding: fields) }
        return masked
    }

    /// One contact value as a viewer sees it while `hidden` is masked.
    public static func shown(_ value: String, as field: MaskableField, hiding hidden: Set<MaskableField>) -> String {
        guard hidden.contains(field) else { return value }
        switch field {
        case .phone: return maskPhone(value)
        case .email: return maskEmail(value)
        }
    }

    /// `13812345678` → `138****5678`: enough to recognise, not to call.
    public static func maskPhone(_ phone: String) -> String {
        let characters = Array(phone)
        guard characters.count > 7 else { return String(repeating: "*", count: characters.count) }
        return String(characters.prefix(3)) + "****" + String(characters.suffix(4))
    }

    /// `zhang.wei@example.com` → `z***@example.com`.
    public static func maskEmail(_ email: String) -> String {
        guard let at = email.firstIndex(of: "@"), at != email.startIndex else { return "***" }
        return String(email[email.startIndex]) + "***" + String(email[at...])
    }
}

extension Masking {
    /// The fields a customer's pool hides while the customer is in it.
    public static func hidden(for customer: Customer, in pools: [Pool]) -> Set<MaskableField> {
        hidden(inPool: customer.poolID, of: pools)
    }

    /// The same for a customer known only by the pool it is in (nil while owned).
    public static func hidden(inPool poolID: PoolID?, of pools: [Pool]) -> Set<MaskableField> {
        guard let poolID, let pool = pools.first(where: { $0.id == poolID }) else { return [] }
        return Set(pool.rules.maskedFields)
    }

    /// The customer as every viewer sees it: its pool's masked fields hidden (pool admins
    /// reveal them through `revealContact`, which is logged).
    public static func shown(_ customer: Customer, in pools: [Pool]) -> Customer {
        apply(customer, hiding: hidden(for: customer, in: pools))
    }
}
