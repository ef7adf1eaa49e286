import GraphQL

/// GraphQLSwift's executor over a schema bound to the resolvers: async (a task per field), its
/// jobs run on this worker thread. It answers what the compiled executor leaves to it, and is
/// the behaviour the compiled one must match.
struct ReferenceExecutor: OperationExecutor {
    let schema: GraphQLSchema

    func execute(_ operation: AdmittedOperation, context: RequestContext) throws -> Execution {
        Execution(outcome: .reference(try run(operation, context: context)))
    }

    /// A query's resolvers read one snapshot, as the compiled executor's do.
    func run(_ operation: AdmittedOperation, context: RequestContext) throws -> GraphQLResult {
        try operation.isolated(context) { operation, context in runAsIs(operation, context: context) }
    }

    private func runAsIs(_ operation: AdmittedOperation, context: RequestContext) -> GraphQLResult {
        let (schema, document, variables, name) = (self.schema, operation.document, operation.variables, operation.operationName)
        return WorkerThreadExecutor.run {
            do {
                return try await GraphQL.execute(
                    schema: schema, documentAST: document, rootValue: (), context: context,
                    variableValues: variables, operationName: name)
            } catch let error as GraphQLError {
                return GraphQLResult(errors: [error])
            } catch {
                return GraphQLResult(errors: [
                    APIError.from(error, requestID: context.requestID, log: context.log).graphQLError()
                ])
            }
        }
    }
}
