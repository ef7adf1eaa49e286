import GraphQL

/// Depth and cost of an operation, computed from its AST before execution.
///
/// Depth counts nested field levels; introspection fields (`__schema`, `__type`, ...) and what is
/// below them are exempt, since the standard introspection query alone is 13 levels deep.
/// Cost: each field costs 1 times the product of the sizes of the lists above it; a list's size
/// is its `first` argument (or that argument's default) or a fixed estimate.
struct QueryLimits {
    let fragments: [String: FragmentDefinition]
    let variables: [String: Map]

    /// Estimated sizes of the lists that take no `first` argument.
    static let listEstimates: [String: Int] = [
        "users": 50, "departments": 50, "pools": 20, "children": 10, "ownershipHistory": 20,
        "results": 100, "industries": 1, "regions": 1,
    ]
    static let pagedFields: [String: Int] = ["customers": 20, "followUps": 20]

    init(document: Document, variables: [String: Map]) {
        var fragments: [String: FragmentDefinition] = [:]
        for case let fragment as FragmentDefinition in document.definitions {
            fragments[fragment.name.value] = fragment
        }
        self.fragments = fragments
        self.variables = variables
    }

    func depth(_ set: SelectionSet, visiting: Set<String> = []) -> Int {
        var deepest = 0
        for selection in set.selections {
            switch selection {
            case let field as Field:
                if field.name.value.hasPrefix("__") { continue }
                deepest = max(deepest, 1 + (field.selectionSet.map { depth($0, visiting: visiting) } ?? 0))
            case let inline as InlineFragment:
                deepest = max(deepest, depth(inline.selectionSet, visiting: visiting))
            case let spread as FragmentSpread:
                let name = spread.name.value
                guard !visiting.contains(name), let fragment = fragments[name] else { continue }
                deepest = max(deepest, depth(fragment.selectionSet, visiting: visiting.union([name])))
            default:
                continue
            }
        }
        return deepest
    }

    /// Saturates instead of overflowing: a hostile query only ever reaches "too expensive".
    func cost(_ set: SelectionSet, multiplier: Int = 1, visiting: Set<String> = []) -> Int {
        var total = 0
        for selection in set.selections {
            switch selection {
            case let field as Field:
                if field.name.value.hasPrefix("__") { continue }
                total = add(total, multiplier)
                if let children = field.selectionSet {
                    let inner = mul(multiplier, listSize(field))
                    total = add(total, cost(children, multiplier: inner, visiting: visiting))
                }
            case let inline as InlineFragment:
                total = add(total, cost(inline.selectionSet, multiplier: multiplier, visiting: visiting))
            case let spread as FragmentSpread:
                let name = spread.name.value
                guard !visiting.contains(name), let fragment = fragments[name] else { continue }
                total = add(total, cost(fragment.selectionSet, multiplier: multiplier, visiting: visiting.union([name])))
            default:
                continue
            }
        }
        return total
    }

    private func listSize(_ field: Field) -> Int {
        let name = field.name.value
        if let paged = Self.pagedFields[name] {
            guard let argument = field.arguments.first(where: { $0.name.value == "first" }) else { return paged }
            return max(1, intValue(argument.value) ?? paged)
        }
        return Self.listEstimates[name] ?? 1
    }

    private func intValue(_ value: Value) -> Int? {
        if let literal = value as? IntValue { return Int(literal.value) }
        if let variable = value as? Variable, case .number(let number) = variables[variable.name.value] ?? .undefined {
            return number.intValue
        }
        return nil
    }

    private func add(_ a: Int, _ b: Int) -> Int { a > Int.max - b ? Int.max : a + b }

    private func mul(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : product
    }
}
