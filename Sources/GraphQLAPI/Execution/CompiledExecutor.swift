import GraphQL
import PoolStore

/// Executes cached plans synchronously on the calling (libmicrohttpd worker) thread: no task
/// per field, no `Map` per value, the response written into one byte buffer as it is walked.
///
/// Its semantics are GraphQLSwift 4.3.0's executor, step for step (which errors are located,
/// how nulls propagate, serial mutations), because that executor stays as the reference: the
/// `verify` mode (`ComparingExecutor`) runs both and compares. Related records load in batches through the
/// resolvers' own loaders (`CustomerBatch`): the first customer of a list that needs its owner
/// loads the owners of the whole list in one query, so walking depth-first costs no N+1.
/// Whatever it does not handle (introspection beyond `__typename`, abstract types, values it
/// declines to coerce) it declines before any resolver runs, and the reference answers.
final class CompiledExecutor: Sendable {
    struct Result {
        /// The `data` object's JSON, or nil when an error reached the root.
        let data: [UInt8]?
        let errors: [GraphQLError]
    }

    let schema: GraphQLSchema
    let resolvers: ResolverTable
    let readers: LeafReaderTable

    /// Plans are kept with their query text's document (`CachedQuery`), not here.
    init(schema: GraphQLSchema, resolvers: ResolverTable, readers: LeafReaderTable = [:]) {
        self.schema = schema
        self.resolvers = resolvers
        self.readers = readers
    }

    /// Nil when the operation is left to the reference executor; nothing has run then.
    /// A query's snapshot is opened only when it calls a resolver.
    func execute(_ admitted: AdmittedOperation, context: RequestContext) throws -> Result? {
        let variables = admitted.variables
        let plan = admitted.cached.plan(named: admitted.operationName) {
            try? OperationPlan(
                document: admitted.document, operation: admitted.operation, schema: schema, resolvers: resolvers, readers: readers)
        }
        guard let plan else { return nil }
        let coercion = InputCoercion(schema: schema)
        guard let values = try? coercion.variables(plan.variableDefinitions, variables),
            let variant = try? plan.variant(for: values)
        else { return nil }
        var arguments: [Map] = []
        arguments.reserveCapacity(variant.dynamicArguments.count)
        for dynamic in variant.dynamicArguments {
            guard let value = try? coercion.arguments(dynamic.definitions, dynamic.nodes, values) else { return nil }
            arguments.append(value)
        }
        guard variant.runsResolvers else {
            var run = PlanRun(context: context, arguments: arguments)
            return run.execute(variant.root)
        }
        if variant.readsOnce, admitted.snapshotOf != nil {
            // One statement, its scope vouched for by the same statement (`VouchedViewer`):
            // no transaction to open and commit. A scope that moved runs in a snapshot.
            var run = PlanRun(context: context.vouchingScope(), arguments: arguments)
            let result = run.execute(variant.root)
            if !run.scopeMoved { return result }
        }
        return try admitted.isolated(context) { _, context in
            var run = PlanRun(context: context, arguments: arguments)
            return run.execute(variant.root)
        }
    }
}

/// The state of one execution: the output buffer, the errors, the current response path.
/// A struct, so its buffer and path are checked for exclusive access at compile time rather
/// than on every write.
struct PlanRun {
    enum PathItem {
        case key(String)
        case index(Int)
    }

    let context: RequestContext
    let arguments: [Map]
    var out = JSONBytes(capacity: 2048)
    var errors: [GraphQLError] = []
    var path: [PathItem] = []
    /// A page's statement saw other settings or users than its vouched scope (`ScopeMoved`).
    var scopeMoved = false
    /// Which runtime types seen in this run are `Optional`s (see `unwrapOptional`).
    private var optionalTypes = OptionalTypes()

    init(context: RequestContext, arguments: [Map]) {
        self.context = context
        self.arguments = arguments
    }

    /// An error that reaches the root replaces the whole result, as in GraphQLSwift.
    mutating func execute(_ root: ObjectPlan) -> CompiledExecutor.Result {
        do {
            try object(root, source: ())
            return CompiledExecutor.Result(data: out.bytes, errors: errors)
        } catch let error as GraphQLError {
            return CompiledExecutor.Result(data: nil, errors: [error])
        } catch {
            return CompiledExecutor.Result(data: nil, errors: [GraphQLError(error)])
        }
    }

    /// Fields run in order; for a mutation that is the serial execution the spec asks for.
    mutating func object(_ plan: ObjectPlan, source: any Sendable) throws {
        out.raw(UInt8(ascii: "{"))
        for (position, field) in plan.fields.enumerated() {
            if position > 0 { out.raw(UInt8(ascii: ",")) }
            out.raw(field.keyBytes)
            path.append(.key(field.responseKey))
            defer { path.removeLast() }
            try resolve(field, source: source)
        }
        out.raw(UInt8(ascii: "}"))
    }

    mutating func resolve(_ field: FieldPlan, source: any Sendable) throws {
        if let program = field.connection { return try connection(program, field, source: source) }
        if let reader = field.reader, let value = reader(source), writeRead(value, field.readKind) { return }
        guard let resolver = field.resolver else {
            return try completeCatchingError(field.output, field, field.parentTypeName)
        }
        let values = argumentValues(field)
        let value: (any Sendable)?
        do {
            value = try resolver(source, Arguments(values), context)
        } catch {
            let located = APIError.from(error, requestID: context.requestID, log: context.log)
                .graphQLError(nodes: field.nodes, path: currentPath())
            return try absorb(located, at: field.output)
        }
        try completeCatchingError(field.output, field, value)
    }

    func argumentValues(_ field: FieldPlan) -> Map {
        switch field.arguments {
        case .constant(let constant): return constant
        case .perRequest(let slot): return arguments[slot]
        }
    }

    /// A nullable position absorbs an error below it: what was written is dropped, `null`
    /// written instead, the error kept. A non-null position passes it up.
    mutating func completeCatchingError(_ output: OutputPlan, _ field: FieldPlan, _ value: (any Sendable)?) throws {
        if case .nonNull = output {
            _ = try complete(output, field, value)
            return
        }
        let mark = out.count
        let depth = path.count
        do {
            _ = try complete(output, field, value)
        } catch let error as GraphQLError {
            out.truncate(to: mark)
            path.removeSubrange(depth...)
            try absorb(error, at: output)
        }
    }

    /// A resolver's error (or one from below) at `output`.
    mutating func absorb(_ error: GraphQLError, at output: OutputPlan) throws {
        if case .nonNull = output { throw error }
        out.null()
        errors.append(error)
    }

    /// Writes the value; answers whether it was non-null.
    private mutating func complete(_ output: OutputPlan, _ field: FieldPlan, _ value: (any Sendable)?) throws -> Bool {
        switch output {
        case .nonNull(let inner):
            guard try complete(inner, field, value) else {
                // Unlocated, as GraphQLSwift 4.3.0 reports it.
                throw GraphQLError(message: "Cannot return null for non-nullable field \(field.parentTypeName).\(field.name).")
            }
            return true
        case .leaf(let leaf):
            // Casting to a concrete type sees through an `Optional` around it, so the common
            // case needs no separate (protocol-conformance) check for one.
            guard let value else { break }
            if writeFast(leaf, value) { return true }
            guard let present = optionalTypes.unwrap(value) else { break }
            try write(leaf, present, field)
            return true
        case .list(let item):
            guard let value, let present = optionalTypes.unwrap(value) else { break }
            guard let items = present as? [(any Sendable)?] else {
                throw GraphQLError(message: "Expected array, but did not find one for field \(field.parentTypeName).\(field.name).")
            }
            out.raw(UInt8(ascii: "["))
            for (position, element) in items.enumerated() {
                if position > 0 { out.raw(UInt8(ascii: ",")) }
                path.append(.index(position))
                defer { path.removeLast() }
                try completeCatchingError(item, field, element)
            }
            out.raw(UInt8(ascii: "]"))
            return true
        case .object(let plan):
            guard let value, let present = optionalTypes.unwrap(value) else { break }
            try object(plan, source: present)
            return true
        }
        out.null()
        return false
    }

    private mutating func writeFast(_ leaf: LeafPlan, _ value: any Sendable) -> Bool {
        switch leaf.fast {
        case .string:
            guard let text = value as? String else { return false }
            out.string(text)
        case .int:
            guard let number = value as? Int, number >= Int(Int32.min), number <= Int(Int32.max) else { return false }
            out.number(number)
        case .float:
            guard let number = value as? Double, number.isFinite else { return false }
            out.number(number)
        case .boolean:
            guard let flag = value as? Bool else { return false }
            out.bool(flag)
        case .enumNames(let names):
            guard let name = value as? String, names.contains(name) else { return false }
            out.string(name)
        case .none:
            return false
        }
        return true
    }

    /// A value a leaf reader gave, written as `writeFast` writes the resolver's value; false
    /// (nothing written) when the field's type wants another kind, for the resolver's path.
    mutating func writeRead(_ value: LeafValue, _ kind: LeafPlan.Fast) -> Bool {
        switch (kind, value) {
        case (.string, .string(let text)): out.string(text)
        case (.enumNames(let names), .string(let name)) where names.contains(name): out.string(name)
        case (.int, .int(let number)) where number >= Int(Int32.min) && number <= Int(Int32.max): out.number(number)
        case (.boolean, .boolean(let flag)): out.bool(flag)
        default: return false
        }
        return true
    }

    /// The scalar's own serialization: what GraphQLSwift does for every leaf.
    private mutating func write(_ leaf: LeafPlan, _ value: any Sendable, _ field: FieldPlan) throws {
        let serialized: Map
        do { serialized = try leaf.type.serialize(value: value) } catch { throw located(error, field) }
        try out.map(serialized)
    }

    /// GraphQLSwift's `locatedError`: a GraphQL error is kept as it is.
    private func located(_ error: any Error, _ field: FieldPlan) -> GraphQLError {
        if let error = error as? GraphQLError { return error }
        return GraphQLError(message: String(describing: error), nodes: field.nodes, path: currentPath(), originalError: error)
    }

    func currentPath() -> IndexPath {
        IndexPath(path.map { item -> IndexPathElement in
            switch item {
            case .key(let key): return key
            case .index(let index): return index
            }
        })
    }
}

/// One level of `Optional` inside an existential, as GraphQLSwift's `unwrap` removes it.
private protocol OptionalBox {
    var unboxed: Any? { get }
}

extension Optional: OptionalBox {
    fileprivate var unboxed: Any? { self.map { $0 } }
}

/// Whether each runtime type met in one run is an `Optional`, asked once per type. A failed
/// `as? any OptionalBox` searches the conformance tables, and asked of every object a resolver
/// returned it cost 4% of a page; a page meets a handful of types, so one dictionary lookup per
/// value replaces it.
struct OptionalTypes {
    private var known: [ObjectIdentifier: Bool] = [:]

    mutating func unwrap(_ value: any Sendable) -> (any Sendable)? {
        let type = ObjectIdentifier(Swift.type(of: value))
        let isOptional: Bool
        if let seen = known[type] {
            isOptional = seen
        } else {
            isOptional = value is any OptionalBox
            known[type] = isOptional
        }
        guard isOptional, let box = value as? any OptionalBox else { return value }
        // The payload of a Sendable optional is Sendable, and `Any?` and `(any Sendable)?` share
        // a layout (a conformance to a marker protocol adds no witness table). Spelled
        // `(any Sendable).self`, Swift 6 reads the target as the 8-byte metatype and traps.
        return unsafeBitCast(box.unboxed, to: Optional<any Sendable>.self)
    }
}
