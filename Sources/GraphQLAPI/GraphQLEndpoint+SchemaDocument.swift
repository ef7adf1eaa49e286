import HTTPServer

extension GraphQLEndpoint {
    /// `GET /schema.graphql`: the SDL this server runs, for code generators and the explorer.
    /// It says no more than introspection does, so it asks for what introspection asks for: a
    /// valid token (any role), within the token's rate limit.
    public func schemaDocument(_ request: HTTPRequest) -> HTTPResponse {
        let format = ResponseFormat(accept: request.header("accept"))
        do {
            guard request.method == "GET" || request.method == "HEAD" else {
                throw APIError(.methodNotAllowed, "Use GET.")
            }
            var get = request
            get.method = "GET"
            _ = try admitHTTP(get)
        } catch let error as APIError {
            return format.requestError(error)
        } catch {
            return format.requestError(APIError.from(error, requestID: "schema", log: log))
        }
        return HTTPResponse(
            status: 200, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Content-Disposition", "inline; filename=\"schema.graphql\"")],
            body: Array(schemaSDL.utf8))  // libmicrohttpd sends no body for HEAD
    }
}
