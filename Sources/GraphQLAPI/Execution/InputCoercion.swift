import GraphQL
import OrderedCollections

/// Variable and argument values as GraphQLSwift 4.3.0's executor computes them, for the
/// compiled executor (GraphQLSwift keeps these functions internal).
///
/// It follows the spec's CoerceVariableValues / CoerceArgumentValues with GraphQLSwift's
/// particulars (arguments keep the literal's form, input objects list every defined field in
/// definition order, a lone value becomes a one-item list). It answers only when it is sure:
/// any value the reference would reject throws `Declined`, and the request then goes to the
/// reference executor, which produces the error message clients already know.
struct InputCoercion {
    struct Declined: Error {}

    /// An argument or directive argument definition, whichever API it came from.
    struct Definition {
        let name: String
        let type: GraphQLInputType
        let defaultValue: Map?
    }

    let schema: GraphQLSchema

    func inputType(_ ast: Type) throws -> GraphQLInputType {
        switch ast {
        case let named as NamedType:
            guard let type = schema.getType(name: named.name.value) as? GraphQLInputType else { throw Declined() }
            return type
        case let list as ListType:
            return GraphQLList(try inputType(list.type))
        case let nonNull as NonNullType:
            guard let inner = try inputType(nonNull.type) as? GraphQLNullableType else { throw Declined() }
            return GraphQLNonNull(inner)
        default:
            throw Declined()
        }
    }

    /// The operation's variables from the request's JSON values; absent ones stay `.undefined`.
    func variables(_ definitions: [VariableDefinition], _ inputs: [String: Map]) throws -> [String: Map] {
        var values: [String: Map] = [:]
        for definition in definitions {
            let type = try inputType(definition.type)
            var value = inputs[definition.variable.name.value] ?? .undefined
            if value == .undefined, let fallback = definition.defaultValue {
                value = try literal(fallback, type, [:])
            }
            guard try isValid(value, type) else { throw Declined() }
            values[definition.variable.name.value] = try coerce(value, type)
        }
        return values
    }

    /// A field's or directive's arguments, every defined one present (`.undefined` if absent).
    func arguments(_ definitions: [Definition], _ nodes: [Argument], _ variables: [String: Map]) throws -> Map {
        var values = OrderedDictionary<String, Map>()
        for definition in definitions {
            let value: Map
            if let node = nodes.first(where: { $0.name.value == definition.name }) {
                value = try literal(node.value, definition.type, variables)
            } else {
                value = definition.defaultValue ?? .undefined
            }
            guard try isValid(value, definition.type) else { throw Declined() }
            values[definition.name] = value
        }
        return .dictionary(values)
    }

    /// A literal of the query as a value of `type`; variables are substituted as given.
    func literal(_ node: Value, _ type: GraphQLInputType, _ variables: [String: Map]) throws -> Map {
        if let nonNull = type as? GraphQLNonNull {
            guard !(node is NullValue), let inner = nonNull.ofType as? GraphQLInputType else { throw Declined() }
            return try literal(node, inner, variables)
        }
        if node is NullValue { return .null }
        if let variable = node as? Variable { return variables[variable.name.value] ?? .undefined }
        if let list = type as? GraphQLList {
            guard let item = list.ofType as? GraphQLInputType else { throw Declined() }
            if let items = node as? ListValue { return .array(try items.values.map { try literal($0, item, variables) }) }
            return .array([try literal(node, item, variables)])
        }
        if let object = type as? GraphQLInputObjectType {
            guard !object.isOneOf, let given = node as? ObjectValue else { throw Declined() }
            var values = OrderedDictionary<String, Map>()
            for (name, field) in try object.fields() {
                if let entry = given.fields.first(where: { $0.name.value == name }) {
                    values[name] = try literal(entry.value, field.type, variables)
                } else {
                    values[name] = field.defaultValue ?? .undefined
                }
            }
            return .dictionary(values)
        }
        if let leaf = type as? GraphQLLeafType {
            return (try? leaf.parseLiteral(valueAST: node)) ?? .null
        }
        throw Declined()
    }

    /// GraphQLSwift's `validate(value:forType:)`, answering only whether there are errors.
    func isValid(_ value: Map, _ type: GraphQLInputType) throws -> Bool {
        if let nonNull = type as? GraphQLNonNull {
            guard let inner = nonNull.ofType as? GraphQLInputType else { throw Declined() }
            if value == .null || value == .undefined { return false }
            return try isValid(value, inner)
        }
        if value == .null || value == .undefined { return true }
        if let list = type as? GraphQLList {
            guard let item = list.ofType as? GraphQLInputType else { throw Declined() }
            if case .array(let items) = value { return try items.allSatisfy { try isValid($0, item) } }
            return try isValid(value, item)
        }
        if let object = type as? GraphQLInputObjectType {
            guard !object.isOneOf else { throw Declined() }
            guard case .dictionary(let given) = value else { return false }
            let fields = try object.fields()
            if given.keys.contains(where: { fields[$0] == nil }) { return false }
            return try fields.allSatisfy { name, field in try isValid(given[name] ?? .undefined, field.type) }
        }
        if let leaf = type as? GraphQLLeafType {
            guard let parsed = try? leaf.parseValue(value: value) else { return false }
            return parsed != .null && parsed != .undefined
        }
        throw Declined()
    }

    /// GraphQLSwift's `coerceValue`, run on a value `isValid` accepted.
    func coerce(_ value: Map, _ type: GraphQLInputType) throws -> Map {
        if let nonNull = type as? GraphQLNonNull {
            guard let inner = nonNull.ofType as? GraphQLInputType else { throw Declined() }
            return try coerce(value, inner)
        }
        if value == .undefined || value == .null { return value }
        if let list = type as? GraphQLList {
            guard let item = list.ofType as? GraphQLInputType else { throw Declined() }
            if case .array(let items) = value { return .array(try items.map { try coerce($0, item) }) }
            return .array([try coerce(value, item)])
        }
        if let object = type as? GraphQLInputObjectType {
            guard case .dictionary(let given) = value else { throw Declined() }
            var values = OrderedDictionary<String, Map>()
            for (name, field) in try object.fields() {
                if let entry = given[name], entry != .undefined {
                    values[name] = try coerce(entry, field.type)
                } else {
                    values[name] = field.defaultValue ?? .undefined
                }
            }
            return .dictionary(values)
        }
        if let leaf = type as? GraphQLLeafType {
            do { return try leaf.parseValue(value: value) } catch { throw Declined() }
        }
        throw Declined()
    }
}
