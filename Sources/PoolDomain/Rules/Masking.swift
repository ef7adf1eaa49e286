/// Hides contact details of pool customers from viewers until someone claims them.
public enum Masking {
    public static func apply(_ customer: Customer, hiding fields: Set<MaskableField>) -> Customer {
        guard !fields.isEmpty else { return customer }
        var masked = customer
        if fields.contains(.phone) { masked.phone = customer.phone.map(maskPhone) }
        if fields.contains(.email) { masked.email = customer.email.map(maskEmail) }
        return masked
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
