import Foundation
import PoolDomain

/// The `Subscription` root and its change types. A change's root value is made by `LiveHub`;
/// its customer is loaded as any query loads one (visibility and masking included).
enum LiveResolvers {
    static let subscription: [String: FieldResolver] = [
        "poolChanged": { source, _, _ in source as? PoolChangeValue },
        "myCustomersChanged": { source, _, _ in source as? MyCustomerChangeValue },
    ]

    static let poolChange: [String: FieldResolver] = [
        "kind": field(PoolChangeValue.self) { enumName($0.kind) },
        "event": on(PoolChangeValue.self) { change, _, context in
            EventNode(event: change.event, customers: EventCustomers([change.event], context: context))
        },
        "customer": on(PoolChangeValue.self) { change, _, context in try customer(change.event.customerID, context) },
    ]

    static let myCustomerChange: [String: FieldResolver] = [
        "kind": field(MyCustomerChangeValue.self) { enumName($0.kind) },
        "event": on(MyCustomerChangeValue.self) { change, _, context in
            change.event.map { EventNode(event: $0, customers: EventCustomers([$0], context: context)) }
        },
        "customer": on(MyCustomerChangeValue.self) { change, _, context in try change.customerID.flatMap { try customer($0, context) } },
        "message": field(MyCustomerChangeValue.self) { $0.warning?.message },
        "dueOn": field(MyCustomerChangeValue.self) { $0.warning?.dueOn?.description },
    ]

    /// The customer as the subscriber may see it now, or nil.
    private static func customer(_ id: CustomerID, _ context: RequestContext) throws -> CustomerNode? {
        guard let customer = try context.database.customers(ids: [id])[id], try context.canSee(customer) else { return nil }
        return CustomerNode(customer: customer, batch: CustomerBatch([customer], context: context))
    }
}
