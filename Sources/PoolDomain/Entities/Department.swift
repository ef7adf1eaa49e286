/// A node of the organisation tree (e.g. 华东销售部 with teams below it).
public struct Department: Sendable, Equatable, Identifiable {
    public let id: DepartmentID
    public var name: String
    public var parentID: DepartmentID?

    public init(id: DepartmentID, name: String, parentID: DepartmentID?) {
        self.id = id
        self.name = name
        self.parentID = parentID
    }
}
