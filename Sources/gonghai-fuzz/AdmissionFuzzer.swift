import Foundation
import GraphQL
import GraphQLAdmission

/// One fuzz input through request decoding and query admission, as a request would take it.
///
/// The first byte picks the door: a POST body (JSON), GET parameters (`k=v&k=v`), or raw query
/// text. Whatever the bytes, admission must answer with a documented code or admit the query;
/// a crash, a trap or an undocumented code is a finding.
enum AdmissionFuzzer {
    static let admission: QueryAdmission = {
        do {
            let schema = try buildSchema(source: try String(contentsOfFile: schemaPath(), encoding: .utf8))
            return QueryAdmission(schema: schema, maxDepth: 12, maxCost: 10_000)
        } catch {
            fatalError("gonghai-fuzz: cannot build the schema: \(error)")
        }
    }()

    static let documentedCodes = Set(ErrorCode.allCases.map(\.rawValue))

    static func run(_ input: UnsafeRawBufferPointer) {
        guard let door = input.first else { return }
        let rest = Array(input.dropFirst())
        do {
            let body: GraphQLRequestBody
            switch door % 3 {
            case 0: body = try GraphQLRequestBody.fromJSON(rest)
            case 1: body = try GraphQLRequestBody.fromGET(parameters(rest))
            default: body = GraphQLRequestBody(query: String(decoding: rest, as: UTF8.self), variables: [:], operationName: nil)
            }
            try admit(body)
        } catch let error as APIError {
            require(documentedCodes.contains(error.code.rawValue), "undocumented code \(error.code)")
        } catch {
            fatalError("gonghai-fuzz: admission threw \(String(reflecting: error)), not an APIError")
        }
    }

    private static func admit(_ body: GraphQLRequestBody) throws {
        let admitted = admission.admit(body.query)
        for error in admitted.errors {
            guard case .string(let code)? = error.extensions["code"] else { fatalError("gonghai-fuzz: an error without a code: \(error.message)") }
            require(documentedCodes.contains(code), "undocumented code \(code)")
        }
        guard let document = admitted.document, admitted.errorCode == nil else {
            require(admitted.errorCode != nil, "refused without a code")
            return
        }
        let operation = try admission.operation(in: document, named: body.operationName)
        try admission.checkLimits(admitted, operation, variables: body.variables)
        try admission.checkVariables(operation, body.variables)
    }

    /// `a=1&b=2` without percent-decoding: libmicrohttpd decodes before the server sees them.
    private static func parameters(_ bytes: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }

    private static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("gonghai-fuzz: \(message())") }
    }

    /// `GONGHAI_SCHEMA`, else `schema.graphql` in the working directory or one above it.
    private static func schemaPath() -> String {
        if let path = ProcessInfo.processInfo.environment["GONGHAI_SCHEMA"] { return path }
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("schema.graphql").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return "schema.graphql"
    }
}
