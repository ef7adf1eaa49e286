import HTTPServer
import PoolDomain
import PoolStore

/// The benchmark's "floor": the page of 20 customers with owner and pool, answered with the
/// same store calls and the same JSON bytes as the GraphQL query
/// `{ customers(first: 20) { nodes { id name industry region status owner { id name } pool { id name } } } }`,
/// but with no GraphQL at all. What GraphQL costs is the difference between the two.
///
/// Served only with `serve --bench-routes` (at `/bench/floor`); never part of the API.
public struct FloorRoute: Sendable {
    let database: any PoolDatabase

    public init(database: any PoolDatabase) { self.database = database }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        do {
            guard let header = request.header("authorization"), header.hasPrefix("Bearer "),
                let user = try database.authenticate(token: String(header.dropFirst(7)))
            else { return .text(401, "A valid bearer token is required.\n") }
            let body = try database.withReadSnapshot { snapshot in
                let viewer = try snapshot.viewer(for: Actor(user))
                let page = try snapshot.customerPage(
                    CustomerQuery(scope: viewer.scope, filter: CustomerFilter(), order: .newestFirst, first: 20, after: nil))
                let owners = try snapshot.users(ids: page.customers.compactMap(\.ownerID))
                return Self.write(page.customers, owners: owners, pools: try snapshot.pools())
            }
            return HTTPResponse(status: 200, headers: [("Content-Type", "application/json; charset=utf-8")], body: body)
        } catch {
            return .text(500, "Internal server error.\n")
        }
    }

    static func write(_ customers: [Customer], owners: [UserID: User], pools: [Pool]) -> [UInt8] {
        var out = JSONBytes(capacity: 4096)
        out.raw(Array(#"{"data":{"customers":{"nodes":["#.utf8))
        for (index, customer) in customers.enumerated() {
            if index > 0 { out.raw(UInt8(ascii: ",")) }
            out.raw(Array(#"{"id":"#.utf8))
            out.string(GlobalID.encode(customer.id))
            out.raw(Array(#","name":"#.utf8))
            out.string(customer.name)
            out.raw(Array(#","industry":"#.utf8))
            optional(customer.industry, &out)
            out.raw(Array(#","region":"#.utf8))
            optional(customer.region, &out)
            out.raw(Array(#","status":"#.utf8))
            out.string(enumName(customer.status))
            out.raw(Array(#","owner":"#.utf8))
            reference(customer.ownerID.flatMap { owners[$0] }.map { (GlobalID.encode($0.id), $0.name) }, &out)
            out.raw(Array(#","pool":"#.utf8))
            reference(
                customer.poolID.flatMap { id in pools.first { $0.id == id } }.map { (GlobalID.encode($0.id), $0.name) }, &out)
            out.raw(UInt8(ascii: "}"))
        }
        out.raw(Array("]}}}".utf8))
        return out.bytes
    }

    /// `{"id":…,"name":…}` of an owner or pool, or null.
    private static func reference(_ idAndName: (String, String)?, _ out: inout JSONBytes) {
        guard let (id, name) = idAndName else { return out.null() }
        out.raw(Array(#"{"id":"#.utf8))
        out.string(id)
        out.raw(Array(#","name":"#.utf8))
        out.string(name)
        out.raw(UInt8(ascii: "}"))
    }

    private static func optional(_ text: String?, _ out: inout JSONBytes) {
        if let text { out.string(text) } else { out.null() }
    }
}
