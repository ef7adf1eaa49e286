import PoolDomain
import PoolStore

/// A `customers` connection (the root list or a pool's) compiled into one statement: the
/// columns its selection names, the directory and settings vouched for by the same statement,
/// each row written as it is read (`PlanRun.connection`). Fields with a column or a lookup
/// (`CustomerResolvers.columns`) are written from the row; any other customer field keeps its
/// resolver, run on the page's batch once the statement has been read, and its answer is put in
/// its place in the row (`Step.resolved`).
///
/// The caller's scope and the access record come from the same code as the resolver's
/// (`CustomerConnection.query` and `noteRead`): policy stays in the application layer, the
/// store only translates the query.
final class ConnectionProgram: @unchecked Sendable {
    enum Part {
        case typename(String)
        /// An index into `nodes`.
        case nodes(Int)
        case edges(EdgeProgram)
        case pageInfo(ObjectPlan)
        case totalCount
    }

    final class EdgeProgram {
        enum Part {
            case typename(String)
            case cursor
            case node(Int)
        }

        let parts: [(FieldPlan, Part)]

        init(parts: [(FieldPlan, Part)]) { self.parts = parts }
    }

    /// One selection of a customer's fields, written into its own buffer row by row.
    final class NodeProgram {
        enum Step {
            case typename
            case leaf(ColumnLeaf)
            /// An owner or a pool whose selected fields are all leaves its value holds.
            case lookup(ColumnLeaf, TypedLookup)
            /// A field with no column (follow-ups, history, forecasts, collaborators): its
            /// resolver answers it, on the page's batch, once the statement has been read.
            case resolved

            var leaf: ColumnLeaf? {
                switch self {
                case .typename, .resolved: return nil
                case .leaf(let leaf), .lookup(let leaf, _): return leaf
                }
            }
        }

        enum TypedLookup {
            case user(TypedObject<User>)
            case pool(TypedObject<Pool>)
        }

        let steps: [(FieldPlan, Step)]
        /// Where its rows sit in the response below the connection, for error paths:
        /// `nodes.i` or `edges.i.node`.
        let listKey: String
        let nodeKey: String?

        /// The steps again, as the row writer walks them: values without references, each
        /// key a range of `keys`. Walking `steps` retained and released each field plan and
        /// its key bytes for every row, a dozen atomic operations a row.
        let flat: [FlatStep]
        let keys: [UInt8]

        struct FlatStep {
            enum Kind {
                case typename
                case leaf(ColumnLeaf)
                /// `steps[index]` is a `.lookup` (its typed readers are objects).
                case lookup
                case resolved
            }

            let kind: Kind
            let key: Range<Int>
        }

        init(steps: [(FieldPlan, Step)], listKey: String, nodeKey: String?) {
            self.steps = steps
            self.listKey = listKey
            self.nodeKey = nodeKey
            var keys: [UInt8] = []
            flat = steps.map { field, step in
                let start = keys.count
                keys += field.keyBytes
                let kind: FlatStep.Kind
                switch step {
                case .typename: kind = .typename
                case .leaf(let leaf): kind = .leaf(leaf)
                case .lookup: kind = .lookup
                case .resolved: kind = .resolved
                }
                return FlatStep(kind: kind, key: start..<keys.count)
            }
            self.keys = keys
        }
    }

    let parts: [(FieldPlan, Part)]
    let nodes: [NodeProgram]
    let columns: [CustomerColumn]
    let directory: Bool
    let settings: Bool
    let cursors: Bool
    /// Some field of a customer is answered by its resolver (`Step.resolved`): the rows are
    /// also read as whole customers, the page's batch.
    let resolves: Bool
    /// Answered by its one statement alone: no `totalCount` (a count of its own), no field
    /// answered by a resolver, and the owners and pools below ask only leaves their memo values
    /// hold (fields with a `reader`).
    let readsOnce: Bool
    /// The pool of a `Pool.customers` field, from its parent.
    let parentPool: (any Sendable) throws -> PoolID?

    private init(
        parts: [(FieldPlan, Part)], nodes: [NodeProgram], parentPool: @escaping (any Sendable) throws -> PoolID?
    ) {
        self.parts = parts
        self.nodes = nodes
        self.parentPool = parentPool
        var columns: [CustomerColumn] = []
        var directory = false
        var settings = false
        for node in nodes {
            for case let leaf? in node.steps.map(\.1.leaf) {
                for column in leaf.columns where column != .id && !columns.contains(column) { columns.append(column) }
                if case .user = leaf.encoding { directory = true }
                if leaf.readsSettings { settings = true }
            }
        }
        self.columns = columns
        self.directory = directory
        self.settings = settings
        resolves = nodes.contains { node in node.steps.contains { if case .resolved = $0.1 { true } else { false } } }
        readsOnce = !resolves && !parts.contains { if case .totalCount = $0.1 { true } else { false } }
            && nodes.allSatisfy { node in node.steps.allSatisfy { field, _ in Self.readsNothing(field.output) } }
        cursors = parts.contains { part in
            switch part.1 {
            case .edges(let edge): return edge.parts.contains { if case .cursor = $0.1 { true } else { false } }
            case .pageInfo(let plan): return plan.fields.contains { $0.name == "endCursor" }
            default: return false
            }
        }
    }

    /// A leaf, or an object (a user, a pool) whose fields are all leaves read from its value.
    private static func readsNothing(_ output: OutputPlan) -> Bool {
        switch output {
        case .nonNull(let inner), .list(let inner): return readsNothing(inner)
        case .leaf: return true
        case .object(let plan): return plan.fields.allSatisfy { $0.name == "__typename" || $0.reader != nil }
        }
    }

    /// Nil when the connection asks for something it does not write (a `pageInfo` field other
    /// than `hasNextPage` and `endCursor`, a customer field without a resolver): the resolvers
    /// answer the whole page then.
    static func compile(_ field: FieldPlan) -> ConnectionProgram? {
        let parentPool: (any Sendable) throws -> PoolID?
        switch (field.parentTypeName, field.name) {
        case ("Query", "customers"): parentPool = { _ in nil }
        case ("Pool", "customers"):
            parentPool = { source in
                guard let pool = source as? Pool else { throw APIError(.internalError, "Internal server error.") }
                return pool.id
            }
        default: return nil
        }
        guard case .nonNull(.object(let connection)) = field.output else { return nil }
        var nodes: [NodeProgram] = []
        var parts: [(FieldPlan, Part)] = []
        for child in connection.fields {
            switch (child.name, child.output) {
            case ("__typename", _): parts.append((child, .typename(connection.typeName)))
            case ("totalCount", _): parts.append((child, .totalCount))
            case ("nodes", .nonNull(.list(.nonNull(.object(let node))))):
                guard let program = Self.node(node, listKey: child.responseKey, nodeKey: nil) else { return nil }
                nodes.append(program)
                parts.append((child, .nodes(nodes.count - 1)))
            case ("edges", .nonNull(.list(.nonNull(.object(let edge))))):
                var edgeParts: [(FieldPlan, EdgeProgram.Part)] = []
                for part in edge.fields {
                    switch (part.name, part.output) {
                    case ("__typename", _): edgeParts.append((part, .typename(edge.typeName)))
                    case ("cursor", _): edgeParts.append((part, .cursor))
                    case ("node", .nonNull(.object(let node))):
                        guard let program = Self.node(node, listKey: child.responseKey, nodeKey: part.responseKey) else { return nil }
                        nodes.append(program)
                        edgeParts.append((part, .node(nodes.count - 1)))
                    default: return nil
                    }
                }
                parts.append((child, .edges(EdgeProgram(parts: edgeParts))))
            case ("pageInfo", .nonNull(.object(let info))):
                guard info.fields.allSatisfy({ ["__typename", "hasNextPage", "endCursor"].contains($0.name) }) else { return nil }
                parts.append((child, .pageInfo(info)))
            default: return nil
            }
        }
        return ConnectionProgram(parts: parts, nodes: nodes, parentPool: parentPool)
    }

    private static func node(_ plan: ObjectPlan, listKey: String, nodeKey: String?) -> NodeProgram? {
        var steps: [(FieldPlan, NodeProgram.Step)] = []
        for field in plan.fields {
            if field.name == "__typename" {
                steps.append((field, .typename))
            } else if let leaf = CustomerResolvers.columns[field.name] {
                steps.append((field, typedLookup(leaf, field).map { .lookup(leaf, $0) } ?? .leaf(leaf)))
            } else if field.resolver != nil {
                steps.append((field, .resolved))
            } else {
                return nil
            }
        }
        return NodeProgram(steps: steps, listKey: listKey, nodeKey: nodeKey)
    }

    /// A nullable owner's or pool's selection read through typed leaf readers, when it has one.
    private static func typedLookup(_ leaf: ColumnLeaf, _ field: FieldPlan) -> NodeProgram.TypedLookup? {
        guard case .object(let plan) = field.output else { return nil }
        switch leaf.encoding {
        case .user: return TypedObject(plan, typeName: "User", leaves: UserResolvers.leaves).map { .user($0) }
        case .pool: return TypedObject(plan, typeName: "Pool", leaves: PoolResolvers.leaves).map { .pool($0) }
        default: return nil
        }
    }

    /// - Parameter vouching: the memo readings the query's scope came from, outside a snapshot.
    func request(_ query: CustomerQuery, vouching: MemoTokens?) -> CustomerRowRequest {
        var request = CustomerRowRequest(query: query, columns: columns, directory: directory, settings: settings)
        request.vouching = vouching
        request.wholeCustomers = resolves
        return request
    }
}

/// An object selection whose every field is `__typename` or a leaf with a typed reader: written
/// from the value itself, with no existential, cast or resolver (`PlanRun.write(_:_:)`).
struct TypedObject<Value> {
    struct Field {
        let keyBytes: [UInt8]
        let kind: LeafPlan.Fast
        /// Nil for `__typename`.
        let read: ((Value) -> LeafValue?)?
    }

    let typeName: String
    let fields: [Field]

    init?(_ plan: ObjectPlan, typeName: String, leaves: [String: Leaf<Value>]) {
        var fields: [Field] = []
        for field in plan.fields {
            if field.name == "__typename" {
                fields.append(Field(keyBytes: field.keyBytes, kind: field.readKind, read: nil))
            } else if field.reader != nil, let leaf = leaves[field.name] {
                fields.append(Field(keyBytes: field.keyBytes, kind: field.readKind, read: leaf.typed))
            } else {
                return nil
            }
        }
        self.typeName = typeName
        self.fields = fields
    }
}
