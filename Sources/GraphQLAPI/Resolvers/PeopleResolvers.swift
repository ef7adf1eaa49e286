import Foundation
import PoolDomain
import PoolServices
import PoolStore

/// The people and org API: departments, users and API tokens, for an HR system or a partner's
/// provisioning. Each resolver translates arguments and calls `PeopleAdministration`, which
/// decides who may (administrators) and audits every change.
enum PeopleResolvers {
    static let query: [String: FieldResolver] = [
        "apiTokens": { _, _, context in try context.services.people.tokens(by: context.actor) }
    ]

    static let mutation: [String: FieldResolver] = [
        "createUser": { _, args, context in
            try context.services.people.createUser(
                name: try args.requireString("name"), role: try role(args), departmentID: try args.id("departmentId", .department).map(DepartmentID.init),
                by: context.actor)
        },
        "updateUser": { _, args, context in
            let id = UserID(try args.requireID("id", .user))
            guard let current = try context.user(id) else { throw PoolError.notFound(entity: "User") }
            let department = try replacement(args, "departmentId", clearedBy: "noDepartment", current: current.departmentID)
            let newRole = args.has("role") ? try role(args) : current.role
            return try context.services.people.updateUser(id, role: newRole, departmentID: department, by: context.actor)
        },
        "endUserSessions": { _, args, context in
            try context.services.people.endSessions(of: UserID(try args.requireID("id", .user)), by: context.actor)
        },
        "createDepartment": { _, args, context in
            try context.services.people.createDepartment(
                name: try args.requireString("name"), parentID: try args.id("parentId", .department).map(DepartmentID.init), by: context.actor)
        },
        "updateDepartment": { _, args, context in
            let id = DepartmentID(try args.requireID("id", .department))
            guard let current = try context.department(id) else { throw PoolError.notFound(entity: "Department") }
            let parent = try replacement(args, "parentId", clearedBy: "topLevel", current: current.parentID)
            return try context.services.people.updateDepartment(
                id, name: args.string("name") ?? current.name, parentID: parent, by: context.actor)
        },
        "deleteDepartment": { _, args, context in
            let id = DepartmentID(try args.requireID("id", .department))
            try context.services.people.deleteDepartment(id, by: context.actor)
            return GlobalID.encode(id)
        },
        "issueApiToken": { _, args, context in
            let user = UserID(try args.requireID("userId", .user))
            let (token, info) = try context.services.people.issueTokenRecord(
                for: user, label: try args.requireString("label"), expiresAt: try args.date("expiresAt"), scope: try scope(args),
                by: context.actor)
            return Issued(token: token, info: info)
        },
        "revokeApiToken": { _, args, context in
            let id = try args.requireID("id", .token)
            try context.services.people.revokeToken(id, by: context.actor)
            guard let revoked = try context.services.people.tokens(by: context.actor).first(where: { $0.id == id }) else {
                throw PoolError.notFound(entity: "Token")
            }
            return revoked
        },
    ]

    struct Issued: Sendable {
        let token: String
        let info: TokenInfo
    }

    static let issued: [String: FieldResolver] = [
        "token": field(Issued.self) { $0.token },
        "apiToken": field(Issued.self) { $0.info },
    ]

    static let apiToken: [String: FieldResolver] = [
        "id": field(TokenInfo.self) { "tok_\($0.id)" },
        "user": on(TokenInfo.self) { token, _, context in try context.user(token.userID) },
        "label": field(TokenInfo.self) { $0.label },
        "createdAt": field(TokenInfo.self) { DateTimeFormat.format($0.createdAt) },
        "revokedAt": field(TokenInfo.self) { $0.revokedAt.map(DateTimeFormat.format) },
        "lastUsedAt": field(TokenInfo.self) { $0.lastUsedAt.map(DateTimeFormat.format) },
        "expiresAt": field(TokenInfo.self) { $0.expiresAt.map(DateTimeFormat.format) },
        "readOnly": field(TokenInfo.self) { $0.scope.readOnly },
        "pools": on(TokenInfo.self) { token, _, context in
            try token.scope.pools.map { ids in try context.pools().filter { ids.contains($0.id) } }
        },
    ]

    /// `scope: { readOnly, poolIds }`; absent: the user's full rights.
    private static func scope(_ args: Arguments) throws -> TokenScope {
        guard let input = args.object("scope") else { return .full }
        let pools = input.strings("poolIds") != nil ? Set(try input.ids("poolIds", .pool).map(PoolID.init)) : nil
        return TokenScope(readOnly: input.bool("readOnly") ?? false, pools: pools)
    }

    /// How an update names a department: `name`'s id, none when `flag` is true, else unchanged.
    private static func replacement(_ args: Arguments, _ name: String, clearedBy flag: String, current: DepartmentID?) throws -> DepartmentID? {
        guard args.bool(flag) == true else { return try args.id(name, .department).map(DepartmentID.init) ?? current }
        guard !args.has(name) else {
            throw APIError(.badUserInput, "Give \(name) or \(flag), not both.", extensions: ["field": .string(flag)])
        }
        return nil
    }

    private static func role(_ args: Arguments) throws -> Role {
        guard let role = args.enumValue("role", Role.self) else {
            throw APIError(.badUserInput, "role is required.", extensions: ["field": .string("role")])
        }
        return role
    }
}
