import GraphQL

/// Completes GraphQLSwift 4.3's introspection where it falls short of the spec, so every
/// client can fetch the schema.
///
/// GraphQLSwift declares `__InputValue.isDeprecated` but resolves it by reflection on
/// `GraphQLArgumentDefinition` and `InputObjectFieldDefinition`, neither of which has such a
/// property: every client that asks (GraphiQL, Python's `gql` with its defaults) got "Cannot
/// return null for non-nullable field". It also ignores `includeDeprecated` on `args` and
/// `inputFields`, and answers no `defaultValue` for input-object fields. The introspection
/// types are the library's own process-wide objects, so they are completed once, before the
/// first schema is handed out.
enum IntrospectionCompletion {
    static func ensure() { _ = completed }

    private static let completed: Void = {
        // Any schema reaches the library's shared introspection types.
        guard let schema = try? buildSchema(source: "type Query { ok: Boolean }") else { return }
        replace(in: schema, type: "__InputValue") { fields in
            fields["isDeprecated"]?.resolve = { source, _, _, _ in deprecationReason(of: source) != nil }
            fields["deprecationReason"]?.resolve = { source, _, _, _ in deprecationReason(of: source) }
            let argumentDefault = fields["defaultValue"]?.resolve
            fields["defaultValue"]?.resolve = { source, arguments, context, info in
                guard let field = source as? InputObjectFieldDefinition else {
                    return try await argumentDefault?(source, arguments, context, info)
                }
                return defaultValue(of: field)
            }
        }
        replace(in: schema, type: "__Field") { fields in
            fields["args"]?.resolve = { source, arguments, _, _ in
                guard let field = source as? GraphQLFieldDefinition else { return nil }
                return visible(field.args, arguments) { $0.deprecationReason }
            }
        }
        replace(in: schema, type: "__Directive") { fields in
            fields["args"]?.resolve = { source, arguments, _, _ in
                guard let directive = source as? GraphQLDirective else { return nil }
                return visible(directive.args, arguments) { $0.deprecationReason }
            }
        }
        replace(in: schema, type: "__Type") { fields in
            let allInputFields = fields["inputFields"]?.resolve
            fields["inputFields"]?.resolve = { source, arguments, context, info in
                guard let all = try await allInputFields?(source, arguments, context, info) as? [InputObjectFieldDefinition] else {
                    return nil
                }
                return visible(all, arguments) { $0.deprecationReason }
            }
        }
    }()

    private static func replace(in schema: GraphQLSchema, type name: String, _ change: (inout GraphQLFieldMap) -> Void) {
        guard let type = schema.getType(name: name) as? GraphQLObjectType, var fields = try? type.fields() else { return }
        change(&fields)
        type.fields = { fields }
    }

    /// Deprecated entries only when the caller asked `includeDeprecated: true` (the spec's default is false).
    private static func visible<T>(_ values: [T], _ arguments: Map, reason: (T) -> String?) -> [T] {
        arguments["includeDeprecated"].bool == true ? values : values.filter { reason($0) == nil }
    }

    private static func deprecationReason(of source: any Sendable) -> String? {
        switch source {
        case let argument as GraphQLArgumentDefinition: argument.deprecationReason
        case let field as InputObjectFieldDefinition: field.deprecationReason
        default: nil
        }
    }

    /// An input-object field's default as GraphQL source text, printed from the SDL it was
    /// declared in (the library answers null for every input-object field).
    private static func defaultValue(of field: InputObjectFieldDefinition) -> String? {
        field.astNode?.defaultValue.map { print(ast: $0) }
    }
}
