/// A request's header fields in arrival order, names lower-cased.
///
/// A request carries a handful of fields and the handlers ask for a few by name, so a scan of
/// small strings (names up to 15 bytes compare as two words) is what a lookup costs. A
/// dictionary hashed every name on the way in and again on every lookup: a tenth of the
/// instructions of a `{ __typename }` request.
public struct HTTPHeaders: Sendable, Equatable {
    public private(set) var fields: [Field] = []

    public struct Field: Sendable, Equatable {
        /// Lower-cased in ASCII.
        public let name: String
        public let value: String

        /// Whether the field is `lowercased`. Lengths are compared first: they rule out nearly
        /// every field for a word's cost, where comparing two different strings goes the long
        /// way through the standard library.
        func isNamed(_ lowercased: String) -> Bool { name.utf8.count == lowercased.utf8.count && name == lowercased }
    }

    public init() {}

    /// From any spelling of the names; a repeated name keeps its last value.
    public init(_ fields: [String: String]) {
        self.fields = fields.map { Field(name: $0.key.asciiLowercased, value: $0.value) }
    }

    /// `name` must already be lower-cased (the server lowers names while copying them out of C).
    mutating func append(lowercasedName name: String, value: String) {
        if fields.isEmpty { fields.reserveCapacity(12) }
        fields.append(Field(name: name, value: value))
    }

    /// The last value sent under `name`, compared without case.
    public subscript(name: String) -> String? {
        if let value = value(lowercased: name) { return value }
        // Not as spelled: compared without case, with the names of its length only (lowering
        // `name` on every miss cost more than the lookup).
        let count = name.utf8.count
        var index = fields.count
        while index > 0 {
            index -= 1
            let field = fields[index]
            if field.name.utf8.count == count && field.name.equalsIgnoringASCIICase(name) { return field.value }
        }
        return nil
    }

    private func value(lowercased name: String) -> String? {
        var index = fields.count
        while index > 0 {
            index -= 1
            if fields[index].isNamed(name) { return fields[index].value }
        }
        return nil
    }
}
