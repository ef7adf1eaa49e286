import GraphQL

/// Two checks GraphQLSwift 4.3.0 gets wrong, run as part of admission (both found by the
/// reliability suite's hypothesis-graphql fuzzing):
///
/// - an Int literal outside 32 bits passes its validation and then fails inside execution as an
///   uncoded error, which the server could only report as INTERNAL;
/// - an enum-typed variable holding `""` traps the process: the "did you mean" suggestions for
///   an unknown enum value compute an edit distance over `1...0`.
public enum InputChecks {
    /// A validation rule: Int literals must fit in 32 bits, as the spec's Int says.
    @Sendable public static func int32Literals(_ context: ValidationContext) -> Visitor {
        Visitor(enter: { node, _, _, _, _ in
            if let literal = node as? IntValue, isInt(context.inputType), Int32(literal.value) == nil {
                context.report(error: GraphQLError(
                    message: "Int cannot represent non 32-bit signed integer value: \(literal.value.prefix(40))", nodes: [literal]))
            }
            return .continue
        })
    }

    /// Refuses a variable whose value names no value of the enum it is used as, before
    /// GraphQLSwift's coercion (and its suggestion code) sees it.
    public static func checkEnumVariables(_ operation: OperationDefinition, _ variables: [String: Map], schema: GraphQLSchema) throws {
        for definition in operation.variableDefinitions {
            let name = definition.variable.name.value
            guard let value = variables[name], let type = inputType(definition.type, schema) else { continue }
            try check(value, type, variable: name, depth: 0)
        }
    }

    private static func check(_ value: Map, _ type: GraphQLType, variable: String, depth: Int) throws {
        guard depth < 32 else { return }
        switch type {
        case let nonNull as GraphQLNonNull:
            try check(value, nonNull.ofType, variable: variable, depth: depth + 1)
        case let list as GraphQLList:
            if case .array(let items) = value {
                for item in items { try check(item, list.ofType, variable: variable, depth: depth + 1) }
            } else {
                try check(value, list.ofType, variable: variable, depth: depth + 1)
            }
        case let enumType as GraphQLEnumType:
            if case .string(let text) = value, !enumType.values.contains(where: { $0.name == text }) {
                throw APIError(
                    .badUserInput,
                    "Variable \"$\(variable)\" got invalid value \"\(text.prefix(100))\"; Value \"\(text.prefix(100))\" does not exist in \"\(enumType.name)\" enum.")
            }
        case let object as GraphQLInputObjectType:
            guard case .dictionary(let fields) = value, let definitions = try? object.fields() else { return }
            for (key, field) in fields {
                if let definition = definitions[key] { try check(field, definition.type, variable: variable, depth: depth + 1) }
            }
        default:
            return
        }
    }

    private static func inputType(_ ast: Type, _ schema: GraphQLSchema) -> GraphQLType? {
        switch ast {
        case let named as NamedType: return schema.getType(name: named.name.value)
        case let list as ListType: return inputType(list.type, schema).flatMap { try? GraphQLList($0) }
        case let nonNull as NonNullType: return inputType(nonNull.type, schema).flatMap { ($0 as? GraphQLNullableType).flatMap { try? GraphQLNonNull($0) } }
        default: return nil
        }
    }

    private static func isInt(_ type: GraphQLInputType?) -> Bool {
        (getNamedType(type: type) as? GraphQLScalarType)?.name == "Int"
    }
}
