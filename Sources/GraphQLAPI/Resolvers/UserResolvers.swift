import PoolDomain

enum UserResolvers {
    static let leaves: [String: Leaf<User>] = [
        "id": .string { GlobalID.encode($0.id) },
        "name": .string { $0.name },
        "role": .string { enumName($0.role) },
        "active": .boolean { $0.active },
        "onLeave": .boolean { $0.onLeave },
    ]

    static let fields: [String: FieldResolver] = .fields(leaves, [
        "ownerLimit": on(User.self) { user, _, context in try context.effectiveLimit(of: user) },
        "department": on(User.self) { user, _, context in try context.department(user.departmentID) },
    ])
}

enum DepartmentResolvers {
    static let fields: [String: FieldResolver] = [
        "id": field(Department.self) { GlobalID.encode($0.id) },
        "name": field(Department.self) { $0.name },
        "parent": on(Department.self) { department, _, context in
            try context.department(department.parentID)
        },
        "children": on(Department.self) { department, _, context in
            try context.departments().filter { $0.parentID == department.id }
        },
    ]
}

enum PoolResolvers {
    static let leaves: [String: Leaf<Pool>] = [
        "id": .string { GlobalID.encode($0.id) },
        "name": .string { $0.name },
        "priority": .int { $0.priority },
        "isDefault": .boolean { $0.isDefault },
        "archived": .boolean { $0.archived },
        "ruleVersion": .int { Int($0.ruleVersion) },
    ]

    static let fields: [String: FieldResolver] = .fields(leaves, [
        "industries": field(Pool.self) { $0.industries },
        "regions": field(Pool.self) { $0.regions },
        "rules": field(Pool.self) { $0.rules },
        "access": on(Pool.self) { pool, _, context in try context.poolAccess()[pool.id] ?? [] },
        "customers": on(Pool.self) { pool, args, context in
            try CustomerConnection.load(args, context: context, pool: pool.id)
        },
    ])
}
