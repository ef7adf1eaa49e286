import PoolDomain

enum UserResolvers {
    static let fields: [String: FieldResolver] = [
        "id": field(User.self) { GlobalID.encode($0.id) },
        "name": field(User.self) { $0.name },
        "role": field(User.self) { enumName($0.role) },
        "active": field(User.self) { $0.active },
        "onLeave": field(User.self) { $0.onLeave },
        "ownerLimit": on(User.self) { user, _, context in try context.effectiveLimit(of: user) },
        "department": on(User.self) { user, _, context in try context.department(user.departmentID) },
    ]
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
    static let fields: [String: FieldResolver] = [
        "id": field(Pool.self) { GlobalID.encode($0.id) },
        "name": field(Pool.self) { $0.name },
        "industries": field(Pool.self) { $0.industries },
        "regions": field(Pool.self) { $0.regions },
        "priority": field(Pool.self) { $0.priority },
        "isDefault": field(Pool.self) { $0.isDefault },
        "rules": field(Pool.self) { $0.rules },
        "ruleVersion": field(Pool.self) { Int($0.ruleVersion) },
        "access": on(Pool.self) { pool, _, context in try context.poolAccess()[pool.id] ?? [] },
        "customers": on(Pool.self) { pool, args, context in
            try CustomerConnection.load(args, context: context, pool: pool.id)
        },
    ]
}
