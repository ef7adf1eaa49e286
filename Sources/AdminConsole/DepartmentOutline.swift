import PoolDomain

/// Departments in tree order with their depth, for lists that must show what is under what
/// (ticking a department includes its sub-departments).
struct DepartmentOutline {
    struct Row {
        let department: Department
        let depth: Int
    }

    let rows: [Row]

    init(_ departments: [Department]) {
        let known = Set(departments.map(\.id))
        var children: [DepartmentID?: [Department]] = [:]
        for department in departments {
            // A parent that is gone (or a cycle's member) is shown at the top rather than lost.
            let parent = department.parentID.flatMap { known.contains($0) ? $0 : nil }
            children[parent, default: []].append(department)
        }
        var rows: [Row] = []
        var seen: Set<DepartmentID> = []
        func visit(_ parent: DepartmentID?, _ depth: Int) {
            for department in children[parent] ?? [] where seen.insert(department.id).inserted {
                rows.append(Row(department: department, depth: depth))
                visit(department.id, depth + 1)
            }
        }
        visit(nil, 0)
        for department in departments where !seen.contains(department.id) { rows.append(Row(department: department, depth: 0)) }
        self.rows = rows
    }
}
