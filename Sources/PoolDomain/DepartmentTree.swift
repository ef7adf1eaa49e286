/// The department tree, for "a department includes its sub-departments".
public struct DepartmentTree: Sendable {
    public let byID: [DepartmentID: Department]

    public init(_ departments: [Department]) {
        byID = Dictionary(uniqueKeysWithValues: departments.map { ($0.id, $0) })
    }

    /// The department and each one above it, nearest first.
    public func ancestry(of id: DepartmentID?) -> [DepartmentID] {
        var result: [DepartmentID] = []
        var current = id
        while let id = current, !result.contains(id), let department = byID[id] {
            result.append(id)
            current = department.parentID
        }
        return result
    }

    public func subtree(of id: DepartmentID) -> [DepartmentID] {
        byID.keys.filter { ancestry(of: $0).contains(id) }.sorted()
    }

    /// Whether `id` may move under `parent` (nil: the top level): never under itself or any
    /// department below it, which would cut the subtree off in a cycle.
    public func canMove(_ id: DepartmentID, under parent: DepartmentID?) -> Bool {
        guard let parent else { return true }
        return !ancestry(of: parent).contains(id)
    }
}
