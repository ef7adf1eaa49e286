import Foundation
import GraphQL
import Testing

@testable import GraphQLAPI
import TestSupport

@Suite struct SchemaContractTests {
    let sdl = try! String(contentsOf: TestServer.schemaURL, encoding: .utf8)

    @Test func everySchemaFieldHasAResolverAndEveryResolverAField() throws {
        let mismatch = try SchemaBinder.checkDefaultTable(try buildSchema(source: sdl))
        #expect(mismatch.fieldsWithoutResolver.isEmpty)
        #expect(mismatch.resolversWithoutField.isEmpty)
    }

    @Test func aFieldWithoutResolverStopsTheServerAtStart() throws {
        let extended = sdl.replacingOccurrences(of: "  me: User!\n", with: "  me: User!\n  unresolved: Int\n")
        #expect(throws: SchemaBinder.Mismatch.self) { try SchemaBinder.build(sdl: extended) }
        let mismatch = try SchemaBinder.checkDefaultTable(try buildSchema(source: extended))
        #expect(mismatch.fieldsWithoutResolver == ["Query.unresolved"])
    }

    @Test func aResolverForAFieldTheSchemaLacksIsReported() throws {
        let reduced = sdl.replacingOccurrences(of: "  \"The authenticated user.\"\n  me: User!\n", with: "")
        let mismatch = try SchemaBinder.checkDefaultTable(try buildSchema(source: reduced))
        #expect(mismatch.resolversWithoutField == ["Query.me"])
    }

    @Test func errorCodeEnumOfTheSchemaIsTheServersList() throws {
        let document = try parse(source: sdl)
        let schemaCodes = document.definitions.compactMap { $0 as? EnumTypeDefinition }
            .first { $0.name.value == "ErrorCode" }?.values.map(\.name.value) ?? []
        #expect(schemaCodes == ErrorCode.allCases.map(\.rawValue))
    }

    @Test func readmeDocumentsEveryErrorCode() throws {
        let readme = try String(contentsOf: TestServer.repositoryURL.appendingPathComponent("README.md"), encoding: .utf8)
        for code in ErrorCode.allCases {
            #expect(readme.contains("`\(code.rawValue)`"), "README lacks \(code.rawValue)")
        }
    }

    /// Introspection of the running server describes exactly the types, fields, arguments and
    /// enum values that `schema.graphql` declares.
    @Test func introspectionOfTheRunningServerMatchesSchemaFile() throws {
        let server = try TestServer()
        let response = try server.query(Self.introspection)
        #expect(response["errors"] == nil)
        let types = try #require(response.at("data", "__schema", "types") as? [[String: Any]])
        let served = Set(types.filter { !(($0["name"] as? String) ?? "_").hasPrefix("__") }.flatMap(Self.facts(introspected:)))
        let declared = Set(try parse(source: sdl).definitions.flatMap(Self.facts(declared:)))
        let builtIn: Set<String> = ["scalar String", "scalar Int", "scalar Float", "scalar Boolean", "scalar ID"]
        #expect(served.subtracting(builtIn) == declared)
        #expect(declared.count > 150)
    }

    /// The introspection query graphql-js and graphql-core send with every option on (input
    /// value deprecation included), as GraphiQL and Python's `gql` do by default, answers whole.
    @Test func theFullIntrospectionQueryOfCurrentClientsAnswersWithoutErrors() throws {
        let server = try TestServer()
        let response = try server.query(Self.fullIntrospection)
        #expect(response["errors"] == nil, "\(response["errors"] ?? "")")
        let types = try #require(response.at("data", "__schema", "types") as? [[String: Any]])
        let inputValues = types.flatMap { type -> [[String: Any]] in
            let fields = (type["fields"] as? [[String: Any]]) ?? []
            return fields.flatMap { ($0["args"] as? [[String: Any]]) ?? [] } + ((type["inputFields"] as? [[String: Any]]) ?? [])
        }
        #expect(inputValues.count > 100)
        #expect(inputValues.allSatisfy { $0["isDeprecated"] as? Bool == false && $0["deprecationReason"] is NSNull })
        let directives = try #require(response.at("data", "__schema", "directives") as? [[String: Any]])
        let deprecated = try #require(directives.first { $0["name"] as? String == "deprecated" })
        #expect((deprecated["args"] as? [[String: Any]])?.first?["defaultValue"] as? String == "\"No longer supported\"")
    }

    /// Deprecated arguments and input fields say so, and are listed only when asked
    /// (`includeDeprecated: true`); an input field's default is printed as GraphQL.
    @Test func deprecatedArgumentsAndInputFieldsAreReportedAndHiddenUnlessAsked() async throws {
        IntrospectionCompletion.ensure()
        let schema = try buildSchema(source: """
            input Filter { name: String = "公海" old: Int @deprecated(reason: "use name") }
            type Query { find(filter: Filter, limit: Int = 20, legacy: Boolean @deprecated(reason: "gone")): Boolean }
            """)
        let result = try await graphql(schema: schema, request: """
            { q: __type(name: "Query") { fields {
                  plain: args { name }
                  all: args(includeDeprecated: true) { name isDeprecated deprecationReason defaultValue } } }
              f: __type(name: "Filter") {
                  plain: inputFields { name }
                  all: inputFields(includeDeprecated: true) { name isDeprecated deprecationReason defaultValue } } }
            """)
        #expect(result.errors.isEmpty, "\(result.errors)")
        let data = try #require(result.data)
        let field = data["q"]["fields"][0]
        #expect(field["plain"].array?.map { $0["name"].string } == ["filter", "limit"])
        let arguments = field["all"].array ?? []
        #expect(arguments.map { $0["name"].string } == ["filter", "limit", "legacy"])
        #expect(arguments.map { $0["isDeprecated"].bool } == [false, false, true])
        #expect(arguments[2]["deprecationReason"].string == "gone" && arguments[1]["defaultValue"].string == "20")
        #expect(data["f"]["plain"].array?.map { $0["name"].string } == ["name"])
        let inputs = data["f"]["all"].array ?? []
        #expect(inputs.map { $0["name"].string } == ["name", "old"])
        #expect(inputs.map { $0["isDeprecated"].bool } == [false, true])
        #expect(inputs[0]["defaultValue"].string == "\"公海\"" && inputs[1]["deprecationReason"].string == "use name")
    }

    /// graphql-js's `getIntrospectionQuery({ descriptions, specifiedByUrl, directiveIsRepeatable,
    /// schemaDescription, inputValueDeprecation })`.
    static let fullIntrospection = """
        query IntrospectionQuery {
          __schema {
            description
            queryType { name } mutationType { name } subscriptionType { name }
            types { ...FullType }
            directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } }
          }
        }
        fragment FullType on __Type {
          kind name description specifiedByURL
          fields(includeDeprecated: true) {
            name description args(includeDeprecated: true) { ...InputValue }
            type { ...TypeRef } isDeprecated deprecationReason
          }
          inputFields(includeDeprecated: true) { ...InputValue }
          interfaces { ...TypeRef }
          enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
          possibleTypes { ...TypeRef }
        }
        fragment InputValue on __InputValue {
          name description type { ...TypeRef } defaultValue isDeprecated deprecationReason
        }
        fragment TypeRef on __Type {
          kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
            ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
        }
        """

    static let introspection = """
        { __schema { types { kind name
            fields { name args { name type { ...T } defaultValue } type { ...T } }
            inputFields { name type { ...T } defaultValue }
            enumValues { name } } } }
        fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
        """

    static func typeString(_ type: [String: Any]?) -> String {
        guard let type else { return "?" }
        switch type["kind"] as? String {
        case "NON_NULL": return typeString(type["ofType"] as? [String: Any]) + "!"
        case "LIST": return "[" + typeString(type["ofType"] as? [String: Any]) + "]"
        default: return type["name"] as? String ?? "?"
        }
    }

    static func facts(introspected type: [String: Any]) -> [String] {
        let name = type["name"] as! String
        switch type["kind"] as? String {
        case "SCALAR": return ["scalar \(name)"]
        case "ENUM": return ((type["enumValues"] as? [[String: Any]]) ?? []).map { "enum \(name).\($0["name"]!)" }
        case "INPUT_OBJECT":
            return ((type["inputFields"] as? [[String: Any]]) ?? []).map {
                "input \(name).\($0["name"]!): \(typeString($0["type"] as? [String: Any]))"
                    + (($0["defaultValue"] as? String).map { " = \($0)" } ?? "")
            }
        default:
            return ((type["fields"] as? [[String: Any]]) ?? []).flatMap { field -> [String] in
                let fieldName = field["name"] as! String
                let head = "type \(name).\(fieldName): \(typeString(field["type"] as? [String: Any]))"
                let args = ((field["args"] as? [[String: Any]]) ?? []).map {
                    "arg \(name).\(fieldName)(\($0["name"]!): \(typeString($0["type"] as? [String: Any]))"
                        + (($0["defaultValue"] as? String).map { " = \($0)" } ?? "") + ")"
                }
                return [head] + args
            }
        }
    }

    static func facts(declared definition: Definition) -> [String] {
        switch definition {
        case let scalar as ScalarTypeDefinition: return ["scalar \(scalar.name.value)"]
        case let enumType as EnumTypeDefinition:
            return enumType.values.map { "enum \(enumType.name.value).\($0.name.value)" }
        case let input as InputObjectTypeDefinition:
            return input.fields.map {
                "input \(input.name.value).\($0.name.value): \(print(ast: $0.type))"
                    + ($0.defaultValue.map { " = \(print(ast: $0))" } ?? "")
            }
        case let object as ObjectTypeDefinition:
            return object.fields.flatMap { field -> [String] in
                let head = "type \(object.name.value).\(field.name.value): \(print(ast: field.type))"
                return [head] + field.arguments.map {
                    "arg \(object.name.value).\(field.name.value)(\($0.name.value): \(print(ast: $0.type))"
                        + ($0.defaultValue.map { " = \(print(ast: $0))" } ?? "") + ")"
                }
            }
        default: return []
        }
    }
}
