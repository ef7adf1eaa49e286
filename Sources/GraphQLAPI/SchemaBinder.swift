import GraphQL

/// Builds the executable schema from `schema.graphql` and binds a resolver to every field.
///
/// Schema-first and fail-fast: a field without a resolver, or a resolver for no field, stops
/// the server at start instead of answering null at run time.
public enum SchemaBinder {
    public struct Mismatch: Error, CustomStringConvertible, Sendable {
        public let fieldsWithoutResolver: [String]
        public let resolversWithoutField: [String]

        public var description: String {
            "schema.graphql and the resolvers disagree. Fields without a resolver: "
                + "\(fieldsWithoutResolver.joined(separator: ", ")); resolvers naming no field: "
                + "\(resolversWithoutField.joined(separator: ", "))"
        }
    }

    public static func build(sdl: String) throws -> GraphQLSchema {
        try build(sdl: sdl, resolvers: Resolvers.table)
    }

    static func build(sdl: String, resolvers: ResolverTable) throws -> GraphQLSchema {
        IntrospectionCompletion.ensure()
        let schema = try buildSchema(source: sdl)
        let mismatch = try check(schema, resolvers)
        guard mismatch.fieldsWithoutResolver.isEmpty, mismatch.resolversWithoutField.isEmpty else {
            throw mismatch
        }
        for type in objectTypes(schema) {
            let fields = try type.fields()
            for (name, field) in fields {
                field.resolve = adapt(resolvers[type.name]![name]!)
            }
            type.fields = { fields }
        }
        return schema
    }

    /// Compares the schema's object fields with the resolver table, both ways.
    public static func check(_ schema: GraphQLSchema, _ resolvers: ResolverTable) throws -> Mismatch {
        var missing: [String] = []
        var declared = Set<String>()
        for type in objectTypes(schema) {
            for name in try type.fields().keys {
                declared.insert("\(type.name).\(name)")
                if resolvers[type.name]?[name] == nil { missing.append("\(type.name).\(name)") }
            }
        }
        let extra = resolvers.flatMap { type, fields in fields.keys.map { "\(type).\($0)" } }
            .filter { !declared.contains($0) }
        return Mismatch(fieldsWithoutResolver: missing.sorted(), resolversWithoutField: extra.sorted())
    }

    public static func checkDefaultTable(_ schema: GraphQLSchema) throws -> Mismatch {
        try check(schema, Resolvers.table)
    }

    static func objectTypes(_ schema: GraphQLSchema) -> [GraphQLObjectType] {
        schema.typeMap.values.compactMap { $0 as? GraphQLObjectType }.filter { !$0.name.hasPrefix("__") }
            .sorted { $0.name < $1.name }
    }

    /// Wraps our executor-independent resolver for GraphQLSwift: unwraps the context, and turns
    /// any thrown error into a located GraphQL error with a documented code.
    private static func adapt(_ resolver: @escaping FieldResolver) -> GraphQLFieldResolve {
        { source, args, context, info in
            guard let context = context as? RequestContext else {
                throw APIError(.internalError, "Internal server error.").graphQLError(nodes: info.fieldASTs, path: info.path)
            }
            do {
                return try resolver(source, Arguments(args), context)
            } catch {
                throw APIError.from(error, requestID: context.requestID, log: context.log)
                    .graphQLError(nodes: info.fieldASTs, path: info.path)
            }
        }
    }
}
