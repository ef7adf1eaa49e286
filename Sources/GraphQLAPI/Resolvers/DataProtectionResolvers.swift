import Foundation
import PoolDomain
import PoolServices

/// Who saw what, erasure and retention: administrators only (decided in the services).
enum DataProtectionResolvers {
    static let query: [String: FieldResolver] = [
        "accessRecords": { _, args, context in
            let first = args.int("first") ?? 50
            let before = try args.id("before", .access)
            return try context.services.accessRecords.list(try filter(args.object("filter")), first: first, before: before, by: context.actor)
        },
        "accessAlerts": { _, args, context in
            try context.services.accessRecords.alerts(first: args.int("first") ?? 50, by: context.actor)
        },
    ]

    static let mutation: [String: FieldResolver] = [
        "eraseCustomer": { _, args, context in
            let id = CustomerID(try args.requireID("id", .customer))
            let report = try context.services.dataProtection.erase(id, reference: try args.requireString("reference"), by: context.actor)
            return Erasure(report: report, customer: try context.services.customers.visible(id, by: context.actor))
        },
        "applyRetention": { _, _, context in
            try context.services.dataProtection.applyRetention(by: context.actor)
        },
    ]

    static func filter(_ args: Arguments?) throws -> AccessRecordFilter {
        guard let args else { return AccessRecordFilter() }
        return AccessRecordFilter(
            userID: try args.id("userId", .user).map(UserID.init), kind: args.string("kind").flatMap(kind),
            from: try args.date("from"), to: try args.date("to"), customerID: try args.id("customerId", .customer).map(CustomerID.init))
    }

    static func name(_ kind: AccessRecord.Kind) -> String { kind.rawValue.uppercased() }

    static func kind(_ name: String) -> AccessRecord.Kind? { AccessRecord.Kind.allCases.first { self.name($0) == name } }

    struct Erasure: Sendable {
        let report: ErasureReport
        let customer: Customer?
    }

    static let record: [String: FieldResolver] = [
        "id": field(AccessRecord.self) { "acc_\($0.id)" },
        "user": on(AccessRecord.self) { record, _, context in try context.user(record.userID) },
        "tokenId": field(AccessRecord.self) { $0.tokenID.map { "tok_\($0)" } },
        "kind": field(AccessRecord.self) { name($0.kind) },
        "customerIds": field(AccessRecord.self) { $0.customerIDs.map(GlobalID.encode) },
        "filter": field(AccessRecord.self) { $0.filter },
        "rows": field(AccessRecord.self) { $0.rows },
        "at": field(AccessRecord.self) { DateTimeFormat.format($0.at) },
    ]

    static let alert: [String: FieldResolver] = [
        "user": on(AccessAlert.self) { alert, _, context in try context.user(alert.userID) },
        "day": field(AccessAlert.self) { $0.day },
        "records": field(AccessAlert.self) { $0.records },
        "at": field(AccessAlert.self) { DateTimeFormat.format($0.at) },
    ]

    static let erasure: [String: FieldResolver] = [
        "customer": on(Erasure.self) { erasure, _, context in erasure.customer.map { MutationResolvers.single($0, context) } },
        "followUps": field(Erasure.self) { $0.report.followUps },
        "eventReasons": field(Erasure.self) { $0.report.eventReasons },
        "notifications": field(Erasure.self) { $0.report.notifications },
        "webhookPayloads": field(Erasure.self) { $0.report.webhookPayloads },
    ]

    static let retention: [String: FieldResolver] = [
        "cutoff": field(RetentionReport.self) { DateTimeFormat.format($0.cutoff) },
        "followUpTexts": field(RetentionReport.self) { $0.followUpTexts },
        "deliveries": field(RetentionReport.self) { $0.deliveries },
    ]
}
