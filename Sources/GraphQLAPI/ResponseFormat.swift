import Foundation
import GraphQL
import HTTPServer

/// The media type a client accepts decides the status codes: `application/graphql-response+json`
/// uses 4xx for request errors; legacy `application/json` answers 200 for any well-formed request.
struct ResponseFormat {
    let modern: Bool

    init(accept: String?) {
        guard let accept, !accept.isEmpty else {
            modern = false
            return
        }
        modern = accept.asciiLowercased.contains("application/graphql-response+json")
    }

    var contentType: String {
        modern ? "application/graphql-response+json; charset=utf-8" : "application/json; charset=utf-8"
    }

    func result(_ result: GraphQLResult, requestLevelCode: ErrorCode?) -> HTTPResponse {
        let status = modern ? (requestLevelCode.map(\.httpStatus) ?? 200) : 200
        return response(status: status, result)
    }

    /// A response body the executor already wrote.
    func body(_ bytes: [UInt8], requestLevelCode: ErrorCode?) -> HTTPResponse {
        let status = modern ? (requestLevelCode.map(\.httpStatus) ?? 200) : 200
        return HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: bytes)
    }

    func requestError(_ error: APIError) -> HTTPResponse {
        var status = error.code.httpStatus
        if !modern && status == 400 && isGraphQLLevel(error.code) { status = 200 }
        var response = response(status: status, GraphQLResult(errors: [error.graphQLError()]))
        if error.code == .unauthenticated { response.headers.append(("WWW-Authenticate", "Bearer")) }
        if error.code == .methodNotAllowed { response.headers.append(("Allow", "GET, POST")) }
        return response
    }

    /// Errors about the GraphQL document rather than the HTTP request.
    private func isGraphQLLevel(_ code: ErrorCode) -> Bool {
        [.operationNotFound, .persistedQueryNotFound, .operationNotTrusted, .queryTooDeep, .queryTooComplex, .parseFailed, .validationFailed, .badUserInput].contains(code)
    }

    private func response(status: Int, _ result: GraphQLResult) -> HTTPResponse {
        let body = (try? Self.encode(result)) ?? Array(#"{"errors":[{"message":"Internal server error.","extensions":{"code":"INTERNAL"}}]}"#.utf8)
        return HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: body)
    }

    /// As GraphQLSwift encodes a result, with errors written by `JSONBytes.error(_:)`.
    static func encode(_ result: GraphQLResult) throws -> [UInt8] {
        try body(data: bytes(result.data), errors: result.errors)
    }

    /// The reference executor's `data`, as bytes.
    static func bytes(_ data: Map?) throws -> [UInt8]? {
        guard let data else { return nil }
        var writer = JSONBytes()
        try writer.map(data)
        return writer.bytes
    }

    /// `{"data":…,"errors":[…]}`, each key only when there is something to say.
    static func body(data: [UInt8]?, errors: [GraphQLError]) throws -> [UInt8] {
        var writer = JSONBytes(capacity: (data?.count ?? 0) + 16)
        writer.raw(UInt8(ascii: "{"))
        if let data {
            writer.raw(Array(#""data":"#.utf8))
            writer.raw(data)
        }
        if !errors.isEmpty {
            if data != nil { writer.raw(UInt8(ascii: ",")) }
            writer.raw(Array(#""errors":"#.utf8))
            writer.raw(try JSONBytes.errors(errors))
        }
        writer.raw(UInt8(ascii: "}"))
        return writer.bytes
    }
}
