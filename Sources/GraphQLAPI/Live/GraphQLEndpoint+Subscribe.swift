import Foundation
import GraphQL
import HTTPServer
import PoolDomain

/// The limits and timing of live updates (see `LiveHub`).
public struct LiveLimits: Sendable {
    /// How often the changes of every instance are read while anyone subscribes.
    public var pollInterval: TimeInterval = 0.25
    /// How often each stream gets a comment, and each token is asked again.
    public var heartbeat: TimeInterval = 15
    public var perToken = 5
    public var total = 256

    public init() {}
}

enum Live {
    /// Whether the client asked for an event stream.
    static func accepted(_ accept: String?) -> Bool {
        guard let accept = accept?.asciiLowercased else { return false }
        return accept.contains("text/event-stream")
    }
}

extension GraphQLEndpoint {
    /// Opens an event stream for a subscription: what it listens for is read from its one root
    /// field and allowed by the application layer before anything is sent; each change is then
    /// rendered by running the operation with the change as its root value.
    func subscribe(
        _ document: Document, _ operation: OperationDefinition, _ body: GraphQLRequestBody, grant: TokenGrant, token: String,
        context: RequestContext
    ) throws -> HTTPResponse {
        let interest = try Self.interest(of: operation, variables: body.variables, context: context)
        let stream = EventStream()
        let (schema, database, limits, clock, log) = (self.schema, self.database, self.limits, self.clock, self.log)
        let (variables, name) = (body.variables, body.operationName)
        let render: @Sendable (any Sendable, TokenGrant) -> [UInt8]? = { root, grant in
            let context = RequestContext(
                user: grant.user, scope: grant.scope, database: database, requestID: "live", limits: limits, clock: clock, log: log)
            let result = WorkerThreadExecutor.run { () -> GraphQLResult in
                do {
                    return try await GraphQL.execute(
                        schema: schema, documentAST: document, rootValue: root, context: context, variableValues: variables,
                        operationName: name)
                } catch {
                    return GraphQLResult(errors: [APIError.from(error, requestID: "live", log: log).graphQLError()])
                }
            }
            return try? ResponseFormat.encode(result)
        }
        try live.add(LiveHub.Subscriber(token: token, interest: interest, stream: stream, render: render, grant: grant))
        return .eventStream(stream)
    }

    /// `poolChanged(poolId:)` (the caller must be able to see the pool) or `myCustomersChanged`.
    static func interest(of operation: OperationDefinition, variables: [String: Map], context: RequestContext) throws -> LiveInterest {
        guard operation.selectionSet.selections.count == 1, let field = operation.selectionSet.selections.first as? Field else {
            throw APIError(.badRequest, "A subscription names one field at its root, without fragments.")
        }
        switch field.name.value {
        case "poolChanged":
            let argument = field.arguments.first { $0.name.value == "poolId" }?.value
            let text: String?
            switch argument {
            case let value as StringValue: text = value.value
            case let variable as Variable: text = variables[variable.name.value]?.string
            default: text = nil
            }
            guard let text else { throw APIError(.badUserInput, "poolId is required.", extensions: ["field": .string("poolId")]) }
            let pool = PoolID(try GlobalID.decode(text, as: .pool, field: "poolId"))
            do { try context.services.customers.requireWatching(pool, by: context.actor) } catch {
                throw APIError.from(error, requestID: context.requestID, log: context.log)
            }
            return .pool(pool)
        default:
            return .mine(context.actor.userID)
        }
    }

    /// Ends every stream (`complete`); the server stops after.
    public func stopLiveUpdates() { live.stop() }

    /// Open subscriptions on this instance.
    public var liveSubscriptions: Int { live.count }
}
