@_exported import GraphQLAdmission
import HTTPServer

extension GraphQLRequestBody {
    /// GET carries the request in query parameters, POST in a JSON body.
    static func decode(_ request: HTTPRequest) throws -> GraphQLRequestBody {
        if request.method == "GET" {
            return try fromGET(request.queryArguments)
        }
        return try fromJSON(request.body)
    }
}
