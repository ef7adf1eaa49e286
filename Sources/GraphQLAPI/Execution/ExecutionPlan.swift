import GraphQL
import OrderedCollections

/// What the compiled executor runs: for each object in the response, its fields already
/// collected, merged by response key and bound to their resolvers, so a request does no
/// lookups by name, no fragment walking and no directive evaluation.
///
/// Plans are immutable once built and shared by every request with the same query text.
final class ObjectPlan: @unchecked Sendable {
    let typeName: String
    let fields: [FieldPlan]

    init(typeName: String, fields: [FieldPlan]) {
        self.typeName = typeName
        self.fields = fields
    }
}

final class FieldPlan: @unchecked Sendable {
    /// `"key":`, escaped once.
    let keyBytes: [UInt8]
    let responseKey: String
    let name: String
    let parentTypeName: String
    /// Every field node merged under this key: error locations name all of them.
    let nodes: [Field]
    /// Nil for `__typename`.
    let resolver: FieldResolver?
    /// For a leaf without arguments below the root: its value read without the resolver, when
    /// the reader has it (see `Leaf`).
    let reader: LeafReader?
    /// The leaf's kind, for the reader's value.
    let readKind: LeafPlan.Fast
    let arguments: ArgumentSource
    let output: OutputPlan
    /// A customer page compiled into one statement, run instead of the resolver (see
    /// `ConnectionProgram`); set once, while the plan is built.
    fileprivate(set) var connection: ConnectionProgram?

    init(
        responseKey: String, name: String, parentTypeName: String, nodes: [Field], resolver: FieldResolver?,
        reader: LeafReader? = nil, arguments: ArgumentSource, output: OutputPlan
    ) {
        self.keyBytes = JSONBytes.key(responseKey)
        self.responseKey = responseKey
        self.name = name
        self.parentTypeName = parentTypeName
        self.nodes = nodes
        self.resolver = resolver
        self.arguments = arguments
        self.output = output
        switch output {
        case .leaf(let leaf), .nonNull(.leaf(let leaf)):
            self.reader = reader
            self.readKind = leaf.fast
        default:
            self.reader = nil
            self.readKind = .none
        }
    }
}

/// Arguments without variables are coerced once, when the plan is built; the others once per
/// request, before any resolver runs (see `PlanVariant.dynamicArguments`).
enum ArgumentSource {
    case constant(Map)
    case perRequest(Int)
}

indirect enum OutputPlan {
    case nonNull(OutputPlan)
    case list(OutputPlan)
    case leaf(LeafPlan)
    case object(ObjectPlan)
}

/// A scalar or enum, with the common Swift value types written without `serialize`.
/// A class: the executor binds it for every leaf it writes, and a struct's copy retained both
/// the type and the enum's name set each time.
final class LeafPlan: @unchecked Sendable {
    enum Fast {
        case string, int, float, boolean, none
        case enumNames(Set<String>)
    }

    let type: GraphQLLeafType
    let fast: Fast

    init(_ type: GraphQLLeafType) {
        self.type = type
        switch type {
        case let scalar as GraphQLScalarType where scalar.name == "String" || scalar.name == "ID": fast = .string
        case let scalar as GraphQLScalarType where scalar.name == "Int": fast = .int
        case let scalar as GraphQLScalarType where scalar.name == "Float": fast = .float
        case let scalar as GraphQLScalarType where scalar.name == "Boolean": fast = .boolean
        case let enumeration as GraphQLEnumType:
            // Values built from SDL are their own names; only those take the fast path.
            fast = .enumNames(Set(enumeration.values.filter { $0.value == .string($0.name) }.map(\.name)))
        default: fast = .none
        }
    }
}

/// An operation compiled for one set of `@skip`/`@include` outcomes.
final class PlanVariant: @unchecked Sendable {
    let root: ObjectPlan
    let dynamicArguments: [(definitions: [InputCoercion.Definition], nodes: [Argument])]
    /// False when only `__typename` is asked at the root: nothing below it can read data.
    let runsResolvers: Bool
    /// True when the one field that reads is a page answered by one statement
    /// (`ConnectionProgram.readsOnce`): one statement is one moment, so it needs no snapshot.
    let readsOnce: Bool

    init(root: ObjectPlan, dynamicArguments: [(definitions: [InputCoercion.Definition], nodes: [Argument])]) {
        self.root = root
        self.dynamicArguments = dynamicArguments
        let reading = root.fields.filter { $0.resolver != nil }
        self.runsResolvers = !reading.isEmpty
        self.readsOnce = reading.count == 1 && reading[0].connection?.readsOnce == true
    }
}

/// Builds plans from a validated document, following GraphQLSwift's CollectFields exactly
/// (including its fragment bookkeeping), so both executors see the same fields.
struct PlanCompiler {
    /// The document uses something this executor leaves to the reference one (introspection
    /// beyond `__typename`, interfaces or unions, subscriptions, values it declines to coerce).
    struct Unsupported: Error {}

    let schema: GraphQLSchema
    let resolvers: ResolverTable
    let readers: LeafReaderTable
    let fragments: [String: FragmentDefinition]
    let coercion: InputCoercion
    /// Coerced values of the variables that `@skip`/`@include` read.
    let conditionValues: [String: Map]
    private(set) var dynamicArguments: [(definitions: [InputCoercion.Definition], nodes: [Argument])] = []

    init(
        schema: GraphQLSchema, resolvers: ResolverTable, readers: LeafReaderTable = [:],
        fragments: [String: FragmentDefinition], conditionValues: [String: Map]
    ) {
        self.schema = schema
        self.resolvers = resolvers
        self.readers = readers
        self.fragments = fragments
        self.coercion = InputCoercion(schema: schema)
        self.conditionValues = conditionValues
    }

    mutating func object(_ type: GraphQLObjectType, _ selectionSets: [SelectionSet]) throws -> ObjectPlan {
        var grouped = OrderedDictionary<String, [Field]>()
        for selectionSet in selectionSets {
            try collect(type, selectionSet, into: &grouped, visited: [])
        }
        var fields: [FieldPlan] = []
        for (key, nodes) in grouped { fields.append(try field(type, key, nodes)) }
        return ObjectPlan(typeName: type.name, fields: fields)
    }

    /// CollectFields. `visited` is a copy per call, as in GraphQLSwift: a fragment marked as
    /// seen inside a nested fragment is not seen by the caller, and a fragment spread in two
    /// merged selection sets is collected from each.
    private func collect(
        _ type: GraphQLObjectType, _ selectionSet: SelectionSet, into fields: inout OrderedDictionary<String, [Field]>,
        visited: Set<String>
    ) throws {
        var visited = visited
        for selection in selectionSet.selections {
            switch selection {
            case let field as Field:
                guard try included(field.directives) else { continue }
                fields[field.alias?.value ?? field.name.value, default: []].append(field)
            case let inline as InlineFragment:
                guard try included(inline.directives), applies(inline.typeCondition, to: type) else { continue }
                try collect(type, inline.selectionSet, into: &fields, visited: visited)
            case let spread as FragmentSpread:
                let name = spread.name.value
                guard !visited.contains(name), try included(spread.directives) else { continue }
                visited.insert(name)
                guard let fragment = fragments[name], applies(fragment.typeCondition, to: type) else { continue }
                try collect(type, fragment.selectionSet, into: &fields, visited: visited)
            default:
                continue
            }
        }
    }

    private func applies(_ condition: NamedType?, to type: GraphQLObjectType) -> Bool {
        guard let condition, let named = schema.getType(name: condition.name.value) else { return true }
        if let object = named as? GraphQLObjectType { return object.name == type.name }
        if let abstract = named as? GraphQLAbstractType { return schema.isSubType(abstractType: abstract, maybeSubType: type) }
        return false
    }

    /// `@skip(if:)` wins over `@include(if:)`, as in GraphQLSwift.
    private func included(_ directives: [Directive]) throws -> Bool {
        if let skip = directives.first(where: { $0.name.value == GraphQLSkipDirective.name }) {
            if try directiveArguments(GraphQLSkipDirective, skip)["if"] == .bool(true) { return false }
        }
        if let include = directives.first(where: { $0.name.value == GraphQLIncludeDirective.name }) {
            if try directiveArguments(GraphQLIncludeDirective, include)["if"] == .bool(false) { return false }
        }
        return true
    }

    private func directiveArguments(_ directive: GraphQLDirective, _ node: Directive) throws -> Map {
        let definitions = directive.args.map { InputCoercion.Definition(name: $0.name, type: $0.type, defaultValue: $0.defaultValue) }
        do { return try coercion.arguments(definitions, node.arguments, conditionValues) } catch { throw Unsupported() }
    }

    private mutating func field(_ type: GraphQLObjectType, _ key: String, _ nodes: [Field]) throws -> FieldPlan {
        let name = nodes[0].name.value
        if name == "__typename" {
            return FieldPlan(
                responseKey: key, name: name, parentTypeName: type.name, nodes: nodes, resolver: nil,
                arguments: .constant(.dictionary([:])), output: .nonNull(.leaf(LeafPlan(GraphQLString))))
        }
        guard !name.hasPrefix("__"), let definition = try type.fields()[name],
            let resolver = resolvers[type.name]?[name]
        else { throw Unsupported() }
        let definitions = definition.args.map {
            InputCoercion.Definition(name: $0.key, type: $0.value.type, defaultValue: $0.value.defaultValue)
        }
        // Readers ignore arguments, and the root's values are recorded for `verify` mode.
        let root = [schema.queryType?.name, schema.mutationType?.name].contains(type.name)
        let reader = definitions.isEmpty && !root ? readers[type.name]?[name] : nil
        let plan = FieldPlan(
            responseKey: key, name: name, parentTypeName: type.name, nodes: nodes, resolver: resolver, reader: reader,
            arguments: try arguments(definitions, nodes[0].arguments), output: try output(definition.type, nodes))
        plan.connection = ConnectionProgram.compile(plan)
        return plan
    }

    private mutating func arguments(_ definitions: [InputCoercion.Definition], _ nodes: [Argument]) throws -> ArgumentSource {
        if nodes.contains(where: { Self.mentionsVariable($0.value) }) {
            dynamicArguments.append((definitions, nodes))
            return .perRequest(dynamicArguments.count - 1)
        }
        do { return .constant(try coercion.arguments(definitions, nodes, [:])) } catch { throw Unsupported() }
    }

    private mutating func output(_ type: GraphQLType, _ nodes: [Field]) throws -> OutputPlan {
        switch type {
        case let nonNull as GraphQLNonNull: return .nonNull(try output(nonNull.ofType, nodes))
        case let list as GraphQLList: return .list(try output(list.ofType, nodes))
        case let leaf as GraphQLLeafType: return .leaf(LeafPlan(leaf))
        case let object as GraphQLObjectType: return .object(try self.object(object, nodes.compactMap(\.selectionSet)))
        default: throw Unsupported()
        }
    }

    static func mentionsVariable(_ value: Value) -> Bool {
        switch value {
        case is Variable: return true
        case let list as ListValue: return list.values.contains(where: mentionsVariable)
        case let object as ObjectValue: return object.fields.contains { mentionsVariable($0.value) }
        default: return false
        }
    }
}
