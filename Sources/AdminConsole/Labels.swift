import Foundation
import PoolDomain
import PoolStore

/// The names the console shows for the domain's codes, in English (the catalogue's keys):
/// every code a page shows goes through here and `ConsoleRequest.t`, never its raw value.
enum Labels {
    static func role(_ role: Role) -> String {
        switch role {
        case .rep: return "Sales rep"
        case .manager: return "Manager"
        case .admin: return "Administrator"
        }
    }

    static func status(_ status: CustomerStatus) -> String {
        switch status {
        case .lead: return "Lead"
        case .contacted: return "Contacted"
        case .negotiating: return "Negotiating"
        case .won: return "Won"
        case .lost: return "Lost"
        case .invalid: return "Invalid"
        }
    }

    static func event(_ kind: OwnershipEventKind) -> String {
        switch kind {
        case .create: return "Created"
        case .claim: return "Claimed"
        case .release: return "Released"
        case .assign: return "Assigned"
        case .transfer: return "Transferred"
        case .reclaim: return "Reclaimed"
        case .move: return "Moved to another pool"
        }
    }

    static func followUp(_ kind: FollowUpKind) -> String {
        switch kind {
        case .call: return "Call"
        case .visit: return "Visit"
        case .message: return "Message"
        case .note: return "Note"
        }
    }

    static func delivery(_ status: WebhookDelivery.Status) -> String {
        switch status {
        case .pending: return "Pending"
        case .delivered: return "Delivered"
        case .dead: return "Given up"
        }
    }

    static func webhookEvent(_ kind: WebhookEventKind) -> String {
        switch kind {
        case .created: return "Customer created"
        case .claimed: return "Customer claimed"
        case .released: return "Customer released"
        case .assigned: return "Customer assigned"
        case .transferred: return "Customer transferred"
        case .reclaimed: return "Customer reclaimed"
        case .reclaimWarning: return "Reclaim warning"
        case .moved: return "Customer moved between pools"
        case .accessAlert: return "Access alert"
        }
    }

    static func exemption(_ exemption: ReclaimExemption) -> String {
        switch exemption {
        case .locked: return "the customer is locked"
        case .won: return "the deal is won"
        case .noRule: return "no reclaim rule applies"
        }
    }

    static func duplicateField(_ field: DuplicateMatch.Field) -> String {
        switch field {
        case .name: return "Name"
        case .phone: return "Phone"
        case .email: return "E-mail"
        }
    }

    static func limit(_ kind: LimitRefusal.Kind) -> String {
        switch kind {
        case .ownedLimit: return "Private customer limit reached"
        case .lockedLimit: return "Locked customer limit reached"
        case .dailyClaimLimit: return "Daily claim limit reached"
        case .cooldown: return "Still in the cooldown after leaving this owner"
        case .embargo: return "Not claimable yet (embargo)"
        }
    }

    /// "in 3 days", "today", "overdue" for a reclaim date `days` away.
    static func daysLeft(_ days: Int?, _ request: ConsoleRequest) -> String {
        guard let days else { return "–" }
        switch days {
        case ..<0: return request.t("overdue: reclaimed at the next sweep")
        case 0: return request.t("today")
        case 1: return request.t("tomorrow")
        default: return request.t("in %d days").replacingOccurrences(of: "%d", with: String(days))
        }
    }

    static func sweepStatus(_ status: String) -> String {
        switch status {
        case "running": return "Running"
        case "completed": return "Completed"
        case "failed": return "Failed"
        default: return status
        }
    }

    /// A refusal's message in the page's language: from the catalogue, or for the two messages
    /// that carry a value, with the value put back into the translation.
    static func message(_ message: String, _ request: ConsoleRequest) -> String {
        if message.hasPrefix("at most "), message.hasSuffix(" characters"), let count = Int(message.dropFirst(8).dropLast(11)) {
            return request.t("at most %d characters").replacingOccurrences(of: "%d", with: String(count))
        }
        if message.hasPrefix("no active rep is named ") {
            return request.t("no active rep is named %@").replacingOccurrences(of: "%@", with: String(message.dropFirst(23)))
        }
        return request.t(message)
    }

    /// Texts the server stored in both languages ("客户暂无需求 / no demand"): the half in the
    /// page's language. Texts people typed come back as they are.
    static func bilingual(_ text: String, _ language: Language) -> String {
        guard let range = text.range(of: " / ") else { return text }
        let chinese = String(text[..<range.lowerBound])
        let english = String(text[range.upperBound...])
        guard chinese.unicodeScalars.contains(where: { $0.value >= 0x4E00 && $0.value <= 0x9FFF }),
            !english.unicodeScalars.contains(where: { $0.value >= 0x4E00 && $0.value <= 0x9FFF })
        else { return text }
        return language == .zh ? chinese : english
    }
}
