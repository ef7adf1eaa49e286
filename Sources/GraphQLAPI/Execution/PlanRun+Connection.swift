import GraphQL
import PoolDomain
import PoolStore

/// A compiled customer page (`ConnectionProgram`): one statement, each row's customers written
/// from the columns as the row is read, then the connection around them.
///
/// Its two phases keep the resolver's error semantics: what the resolver would have thrown
/// (arguments, scope, the read) is located at the field and absorbed as a resolver's error; what
/// completion would have met (the count) is located where it happens and propagates.
extension PlanRun {
    /// One node selection's rows: their JSON one after the other, and where each ends.
    struct NodeRows {
        var json = JSONBytes(capacity: 2048)
        var ends: [Int] = []
        /// Where the fields the resolvers answer go in `json`, filled in when the rows are
        /// written out (`Step.resolved`); `holeEnds` counts them to the end of each row.
        var holes: [(at: Int, field: FieldPlan)] = []
        var holeEnds: [Int] = []

        /// Room for a page of `rows` (growing one append at a time allocated six times).
        mutating func reserve(_ rows: Int) {
            ends.reserveCapacity(rows)
            holeEnds.reserveCapacity(rows)
        }

        func row(_ index: Int) -> Range<Int> { (index == 0 ? 0 : ends[index - 1])..<ends[index] }

        func holes(of index: Int) -> ArraySlice<(at: Int, field: FieldPlan)> {
            holes[(index == 0 ? 0 : holeEnds[index - 1])..<holeEnds[index]]
        }
    }

    mutating func connection(_ program: ConnectionProgram, _ field: FieldPlan, source: any Sendable) throws {
        let args = Arguments(argumentValues(field))
        var rows = program.nodes.map { _ in NodeRows() }
        var cursors: [CustomerCursor] = []
        let query: CustomerQuery
        let end: CustomerRowsEnd
        var customers: [Customer] = []
        do {
            let pool = try program.parentPool(source)
            query = try CustomerConnection.query(args, context: context, pool: pool)
            var ids: [CustomerID] = []
            ids.reserveCapacity(query.first)
            for position in rows.indices { rows[position].reserve(query.first) }
            if program.cursors { cursors.reserveCapacity(query.first) }
            end = try context.database.customerRows(program.request(query, vouching: context.vouching)) { row in
                let index = ids.count
                ids.append(row.id)
                if program.cursors { cursors.append(CustomerCursor(order: query.order, key: row.sortKey, id: row.id)) }
                if program.resolves { customers.append(row.customer()) }
                for (position, node) in program.nodes.enumerated() { try write(node, row, at: index, into: &rows[position]) }
            }
            CustomerConnection.noteRead(ids, args, query: query, context: context, pool: pool)
        } catch let moved as ScopeMoved {
            // Nothing is written yet: the executor runs the operation again in a snapshot.
            scopeMoved = true
            throw moved
        } catch {
            let located = APIError.from(error, requestID: context.requestID, log: context.log)
                .graphQLError(nodes: field.nodes, path: currentPath())
            return try absorb(located, at: field.output)
        }
        // The resolvers' source for the fields without a column: the page as one batch, as the
        // resolvers' own page makes it, so each relation is loaded once for all its customers.
        let batch = program.resolves ? CustomerBatch(customers, context: context).nodes() : []
        let mark = out.count
        do {
            try write(program, query: query, end: end, rows: rows, cursors: cursors, batch: batch)
        } catch let error as GraphQLError {
            if case .nonNull = field.output { throw error }
            out.truncate(to: mark)
            try absorb(error, at: field.output)
        }
    }

    private mutating func write(
        _ program: ConnectionProgram, query: CustomerQuery, end: CustomerRowsEnd, rows: [NodeRows], cursors: [CustomerCursor],
        batch: [CustomerNode]
    ) throws {
        out.raw(UInt8(ascii: "{"))
        for (position, (field, part)) in program.parts.enumerated() {
            if position > 0 { out.raw(UInt8(ascii: ",")) }
            out.raw(field.keyBytes)
            path.append(.key(field.responseKey))
            defer { path.removeLast() }
            switch part {
            case .typename(let name): out.string(name)
            case .nodes(let index):
                out.raw(UInt8(ascii: "["))
                let nodes = rows[index]  // once, not a copy (four arrays retained) per row
                for row in 0..<end.rows {
                    if row > 0 { out.raw(UInt8(ascii: ",")) }
                    try write(nodes, row, nodeKey: nil, batch: batch)
                }
                out.raw(UInt8(ascii: "]"))
            case .edges(let edge):
                out.raw(UInt8(ascii: "["))
                for row in 0..<end.rows {
                    if row > 0 { out.raw(UInt8(ascii: ",")) }
                    try writeEdge(edge, row: row, rows: rows, cursors: cursors, batch: batch)
                }
                out.raw(UInt8(ascii: "]"))
            case .pageInfo(let info):
                out.raw(UInt8(ascii: "{"))
                for (index, infoField) in info.fields.enumerated() {
                    if index > 0 { out.raw(UInt8(ascii: ",")) }
                    out.raw(infoField.keyBytes)
                    switch infoField.name {
                    case "hasNextPage": out.bool(end.hasNextPage)
                    case "endCursor":
                        if let last = cursors.last { out.string(CursorCodec.encode(last)) } else { out.null() }
                    default: out.string(info.typeName)
                    }
                }
                out.raw(UInt8(ascii: "}"))
            case .totalCount:
                do {
                    out.number(try context.database.countCustomers(query.filter, scope: query.scope))
                } catch {
                    throw APIError.from(error, requestID: context.requestID, log: context.log)
                        .graphQLError(nodes: field.nodes, path: currentPath())
                }
            }
        }
        out.raw(UInt8(ascii: "}"))
    }

    private mutating func writeEdge(
        _ edge: ConnectionProgram.EdgeProgram, row: Int, rows: [NodeRows], cursors: [CustomerCursor], batch: [CustomerNode]
    ) throws {
        out.raw(UInt8(ascii: "{"))
        for (index, (field, part)) in edge.parts.enumerated() {
            if index > 0 { out.raw(UInt8(ascii: ",")) }
            out.raw(field.keyBytes)
            switch part {
            case .typename(let name): out.string(name)
            case .cursor: out.string(CursorCodec.encode(cursors[row]))
            case .node(let node): try write(rows[node], row, nodeKey: field.responseKey, batch: batch)
            }
        }
        out.raw(UInt8(ascii: "}"))
    }

    /// A row as written from its columns, with each field the resolvers answer run on the
    /// page's batch and put in its place, at the response path where it stands.
    private mutating func write(_ nodes: NodeRows, _ row: Int, nodeKey: String?, batch: [CustomerNode]) throws {
        let range = nodes.row(row)
        var from = range.lowerBound
        for hole in nodes.holes.isEmpty ? [] : nodes.holes(of: row) {
            nodes.json.withUnsafeBytes { out.raw(UnsafeBufferPointer(rebasing: $0[from..<hole.at])) }
            let depth = path.count
            defer { path.removeSubrange(depth...) }
            path.append(.index(row))
            if let nodeKey { path.append(.key(nodeKey)) }
            path.append(.key(hole.field.responseKey))
            try resolve(hole.field, source: batch[row])
            from = hole.at
        }
        nodes.json.withUnsafeBytes { out.raw(UnsafeBufferPointer(rebasing: $0[from..<range.upperBound])) }
    }

    /// One customer of one node selection, into its own buffer. The walk reads the node's
    /// flat steps through buffer pointers, so no reference is retained per field; the field
    /// plans are looked up only where a value is looked up or resolved.
    private mutating func write(_ node: ConnectionProgram.NodeProgram, _ row: CustomerRow, at index: Int, into rows: inout NodeRows) throws {
        swap(&out, &rows.json)
        defer { swap(&out, &rows.json) }
        out.raw(UInt8(ascii: "{"))
        try node.flat.withUnsafeBufferPointer { steps in
            try node.keys.withUnsafeBufferPointer { keys in
                for position in 0..<steps.count {
                    let step = steps[position]
                    if position > 0 { out.raw(UInt8(ascii: ",")) }
                    out.raw(UnsafeBufferPointer(rebasing: keys[step.key]))
                    switch step.kind {
                    case .typename: out.raw(Self.customerTypename)
                    case .leaf(let leaf): try write(leaf, step: position, row, at: (node, index))
                    case .lookup:
                        guard case .lookup(let leaf, let typed) = node.steps[position].1 else { continue }
                        try write(leaf, typed, step: position, row, at: (node, index))
                    case .resolved: rows.holes.append((out.count, node.steps[position].0))
                    }
                }
            }
        }
        out.raw(UInt8(ascii: "}"))
        rows.ends.append(out.count)
        rows.holeEnds.append(rows.holes.count)
    }

    private static let customerTypename = Array(#""Customer""#.utf8)

    /// The leaf of the node's step at `position`. Its field plan is fetched only by the general
    /// owner and pool lookups, which need it for their errors.
    private mutating func write(_ leaf: ColumnLeaf, step position: Int, _ row: CustomerRow, at place: RowPlace) throws {
        let column = leaf.column
        switch leaf.encoding {
        case .customerID:
            out.raw(Self.customerIDPrefix)
            out.digits(row.int64(column))
            out.raw(UInt8(ascii: "\""))
        case .text: out.string(utf8: row.bytes(column))
        case .optionalText:
            if row.isNull(column) { out.null() } else { out.string(utf8: row.bytes(column)) }
        case .status:
            let raw = row.bytes(column)
            out.raw(Self.statusNames.first { $0.raw.elementsEqual(raw) }?.json ?? Self.statusNames[0].json)
        case .flag: out.bool(row.int64(column) != 0)
        case .cents:
            if let cents = row.optionalInt64(column) { out.number(Double(cents) / 100) } else { out.null() }
        case .dateTime: out.dateTime(millis: row.int64(column))
        case .optionalDateTime:
            if let millis = row.optionalInt64(column) { out.dateTime(millis: millis) } else { out.null() }
        case .user: try lookedUp(Self.user(row, column), place.node.steps[position].0, at: place)
        case .pool: try lookedUp(Self.pool(row), place.node.steps[position].0, at: place)
        case .contact(let maskable):
            guard !row.isNull(column) else { return out.null() }
            let hidden = hidden(row)
            if hidden.contains(maskable) {
                out.string(Masking.shown(String(decoding: row.bytes(column), as: UTF8.self), as: maskable, hiding: hidden))
            } else {
                out.string(utf8: row.bytes(column))
                if context.services.accessRecords.recordsContactReads(by: context.actor) { context.request.noteContactRead(row.id) }
            }
        case .masked: out.bool(!hidden(row).isEmpty)
        }
    }

    /// A nullable owner or pool through its typed readers; what they cannot write (a reader
    /// with no value, an out-of-range number) goes the general way.
    private mutating func write(
        _ leaf: ColumnLeaf, _ typed: ConnectionProgram.NodeProgram.TypedLookup, step position: Int, _ row: CustomerRow,
        at place: RowPlace
    ) throws {
        switch typed {
        case .user(let object):
            guard let user = Self.user(row, leaf.column) else { return out.null() }
            if write(object, user) { return }
        case .pool(let object):
            guard let pool = Self.pool(row) else { return out.null() }
            if write(object, pool) { return }
        }
        try write(leaf, step: position, row, at: place)
    }

    /// The user a column names, from the directory the statement vouched for.
    private static func user(_ row: CustomerRow, _ column: CustomerColumn) -> User? {
        row.optionalInt64(column).flatMap { row.directory?.users[UserID($0)] }
    }

    /// A customer's pool is the one it is in: none while it is owned (see `Placement`).
    private static func pool(_ row: CustomerRow) -> Pool? {
        row.isNull(.ownerID) ? row.settings?.pool(PoolID(row.optionalInt64(.poolID) ?? 0)) : nil
    }

    /// Nothing is left written when it answers false.
    private mutating func write<Value>(_ object: TypedObject<Value>, _ value: Value) -> Bool {
        let mark = out.count
        out.raw(UInt8(ascii: "{"))
        for (index, field) in object.fields.enumerated() {
            if index > 0 { out.raw(UInt8(ascii: ",")) }
            out.raw(field.keyBytes)
            guard let read = field.read else {
                out.string(object.typeName)
                continue
            }
            guard let leaf = read(value), writeRead(leaf, field.kind) else {
                out.truncate(to: mark)
                return false
            }
        }
        out.raw(UInt8(ascii: "}"))
        return true
    }

    /// What the customer's pool masks, as `CustomerNode.maskedFields` decides it.
    private func hidden(_ row: CustomerRow) -> Set<MaskableField> {
        let pool = row.isNull(.ownerID) ? PoolID(row.optionalInt64(.poolID) ?? 0) : nil
        return Masking.hidden(inPool: pool, of: row.settings?.pools ?? [])
    }

    /// Where a row stands below the connection: `nodes.i` or `edges.i.node`.
    typealias RowPlace = (node: ConnectionProgram.NodeProgram, index: Int)

    /// A user or pool below a customer, completed as the executor completes any object, with
    /// the response path its errors name (leaves need none: writing them cannot fail).
    private mutating func lookedUp(_ value: (any Sendable)?, _ field: FieldPlan, at place: RowPlace) throws {
        let depth = path.count
        defer { path.removeSubrange(depth...) }
        path.append(.key(place.node.listKey))
        path.append(.index(place.index))
        if let key = place.node.nodeKey { path.append(.key(key)) }
        path.append(.key(field.responseKey))
        try completeCatchingError(field.output, field, value)
    }

    private static let customerIDPrefix = Array("\"cus_".utf8)

    /// Each status as stored and as written; the first (`lead`) is what an unknown value reads as.
    private static let statusNames: [(raw: [UInt8], json: [UInt8])] = {
        let names = [CustomerStatus.lead] + CustomerStatus.allCases.filter { $0 != .lead }
        return names.map { (Array($0.rawValue.utf8), Array("\"\(enumName($0))\"".utf8)) }
    }()
}
