import Foundation
import GraphQL

/// One operation of a cached document. Most operations have one plan; `@skip`/`@include` on
/// variables make the field set depend on the request, so a plan is built for each outcome
/// the clients actually send (a handful at most) and kept with the operation.
final class OperationPlan: @unchecked Sendable {
    static let maxVariants = 16

    let isMutation: Bool
    let variableDefinitions: [VariableDefinition]
    /// Variables that `@skip`/`@include` read, in a fixed order: their values name a variant.
    let conditionVariables: [String]
    private let rootType: GraphQLObjectType
    private let operation: OperationDefinition
    private let fragments: [String: FragmentDefinition]
    private let schema: GraphQLSchema
    private let resolvers: ResolverTable
    private let readers: LeafReaderTable
    private let lock = NSLock()
    private var variants: [String: PlanVariant] = [:]

    init(
        document: Document, operation: OperationDefinition, schema: GraphQLSchema, resolvers: ResolverTable,
        readers: LeafReaderTable = [:]
    ) throws {
        switch operation.operation {
        case .query:
            guard let root = schema.queryType else { throw PlanCompiler.Unsupported() }
            rootType = root
            isMutation = false
        case .mutation:
            guard let root = schema.mutationType else { throw PlanCompiler.Unsupported() }
            rootType = root
            isMutation = true
        case .subscription:
            throw PlanCompiler.Unsupported()
        }
        var fragments: [String: FragmentDefinition] = [:]
        for case let fragment as FragmentDefinition in document.definitions where fragments[fragment.name.value] == nil {
            fragments[fragment.name.value] = fragment
        }
        self.operation = operation
        self.fragments = fragments
        self.schema = schema
        self.resolvers = resolvers
        self.readers = readers
        self.variableDefinitions = operation.variableDefinitions
        var names = Set<String>()
        Self.conditionVariables(operation.selectionSet, into: &names)
        for fragment in fragments.values { Self.conditionVariables(fragment.selectionSet, into: &names) }
        conditionVariables = names.sorted()
        if conditionVariables.isEmpty { _ = try variant(for: [:]) }
    }

    /// The plan for these (coerced) variable values.
    func variant(for variables: [String: Map]) throws -> PlanVariant {
        let key = conditionVariables.map { "\(variables[$0] ?? .undefined)" }.joined(separator: ",")
        if let cached = lock.withLock({ variants[key] }) { return cached }
        let conditions = Dictionary(uniqueKeysWithValues: conditionVariables.map { ($0, variables[$0] ?? .undefined) })
        var compiler = PlanCompiler(
            schema: schema, resolvers: resolvers, readers: readers, fragments: fragments, conditionValues: conditions)
        let root = try compiler.object(rootType, [operation.selectionSet])
        let built = PlanVariant(root: root, dynamicArguments: compiler.dynamicArguments)
        lock.withLock {
            if variants.count < Self.maxVariants { variants[key] = built }
        }
        return built
    }

    private static func conditionVariables(_ selectionSet: SelectionSet, into names: inout Set<String>) {
        for selection in selectionSet.selections {
            switch selection {
            case let field as Field:
                collect(field.directives, into: &names)
                if let nested = field.selectionSet { conditionVariables(nested, into: &names) }
            case let inline as InlineFragment:
                collect(inline.directives, into: &names)
                conditionVariables(inline.selectionSet, into: &names)
            case let spread as FragmentSpread:
                collect(spread.directives, into: &names)
            default:
                continue
            }
        }
    }

    private static func collect(_ directives: [Directive], into names: inout Set<String>) {
        for directive in directives where directive.name.value == "skip" || directive.name.value == "include" {
            for argument in directive.arguments {
                if let variable = argument.value as? Variable { names.insert(variable.name.value) }
            }
        }
    }
}
