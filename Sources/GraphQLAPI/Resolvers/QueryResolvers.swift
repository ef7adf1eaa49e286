import PoolDomain
import PoolServices

enum QueryResolvers {
    static let fields: [String: FieldResolver] = [
        "me": { _, _, context in context.user },
        "customer": { _, args, context in
            let id = CustomerID(try args.requireID("id", .customer))
            guard let customer = try context.database.customers(ids: [id])[id], try context.canSee(customer)
            else { throw APIError.from(PoolError.notFound(entity: "Customer")) }
            return CustomerNode(customer: customer, batch: CustomerBatch([customer], context: context))
        },
        "customers": { _, args, context in try CustomerConnection.load(args, context: context) },
        "pools": { _, _, context in try context.pools() },
        "pool": { _, args, context in
            let id = PoolID(try args.requireID("id", .pool))
            guard let pool = try context.pool(id) else { throw APIError.from(PoolError.notFound(entity: "Pool")) }
            return pool
        },
        "users": { _, _, context in
            try context.services.people.users(by: context.actor)
        },
        "departments": { _, _, context in
            try context.services.people.departments(by: context.actor)
        },
    ]
}
