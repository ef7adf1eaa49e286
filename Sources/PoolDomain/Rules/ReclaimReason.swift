/// The human reason recorded on a reclaim event and shown to the previous owner.
public enum ReclaimReason {
    public static func describe(_ due: ReclaimDue) -> String {
        switch due.rule {
        case .noFollowUp:
            return "\(due.limitDays) 天未跟进 / not followed up for \(due.limitDays) days"
        case .claimedNoFollowUp:
            return "获得后 \(due.limitDays) 天内未跟进 / no follow-up within \(due.limitDays) days of taking it"
        case .noProgress:
            return "\(due.limitDays) 天无进展 / no progress for \(due.limitDays) days"
        }
    }
}
