import Crypto
import Foundation
import GRDB
import Logging
import Testing

@testable import GonghaiServer
import HTTPServer
import TestSupport

/// A loopback receiver that records what it is sent and answers with a chosen status.
final class Receiver: @unchecked Sendable {
    struct Delivery { let headers: HTTPHeaders; let body: String }
    private let lock = NSLock()
    private var received: [Delivery] = []
    private var status = 200
    private var delay: TimeInterval = 0
    private var extra: [(String, String)] = []
    let server: HTTPServer

    init() throws {
        let box = ReceiverBox()
        server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, threads: 2),
            handler: ClosureHandler { request in box.receiver!.record(request) })
        box.receiver = self
        try server.start()
    }

    deinit { server.stop(grace: 0) }

    var url: String { "http://127.0.0.1:\(server.port)/hook" }

    func answer(_ status: Int, after delay: TimeInterval = 0, headers: [(String, String)] = []) {
        lock.withLock { self.status = status; self.delay = delay; self.extra = headers }
    }

    var deliveries: [Delivery] { lock.withLock { received } }

    private func record(_ request: HTTPRequest) -> HTTPResponse {
        let (status, delay, extra) = lock.withLock { (self.status, self.delay, self.extra) }
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        lock.withLock { received.append(Delivery(headers: request.headers, body: String(decoding: request.body, as: UTF8.self))) }
        return HTTPResponse(status: status, headers: extra, body: Array("ok".utf8))
    }
}

final class ReceiverBox: @unchecked Sendable { var receiver: Receiver? }

@Suite struct WebhookTests {
    let server = try! TestServer()
    let receiver = try! Receiver()

    func register(_ kinds: [String]) throws -> String {
        let result = try server.query(
            "mutation($u: String!, $k: [WebhookEventKind!]) { registerWebhook(url: $u, kinds: $k) { secret endpoint { id kinds } } }",
            variables: ["u": receiver.url, "k": kinds])
        #expect(result["errors"] == nil, "\(result)")
        return try #require(result.at("data", "registerWebhook", "secret") as? String)
    }

    var dispatcher: WebhookDispatcher {
        WebhookDispatcher(database: server.database, clock: server.clock, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }), timeout: 5,
            targets: server.settings.webhookTargets)
    }

    @Test func deliveriesAreSignedSoTheReceiverCanVerifyThemAndCarryNoContactDetails() throws {
        let secret = try register(["CUSTOMER_CLAIMED"])
        let id = try server.createCustomer("Hook Co", pool: "general", phone: "13912345678")
        _ = try server.query("mutation($ids: [ID!]!) { claimCustomers(ids: $ids) { succeeded } }", as: "rep1", variables: ["ids": [id]])
        dispatcher.tick()
        let delivery = try #require(receiver.deliveries.first)
        #expect(receiver.deliveries.count == 1, "only the subscribed kind")
        #expect(delivery.headers["x-gonghai-event"] == "customer.claimed")
        let signature = try #require(delivery.headers["x-gonghai-signature"])
        let parts = Dictionary(uniqueKeysWithValues: signature.split(separator: ",").map { part -> (String, String) in
            let pair = part.split(separator: "=", maxSplits: 1)
            return (String(pair[0]), String(pair[1]))
        })
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(parts["t"]!).\(delivery.body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        #expect(parts["v1"] == mac.map { String(format: "%02x", $0) }.joined())
        let wrong = HMAC<SHA256>.authenticationCode(for: Data("\(parts["t"]!).\(delivery.body)".utf8), using: SymmetricKey(data: Data("other".utf8)))
        #expect(parts["v1"] != wrong.map { String(format: "%02x", $0) }.joined())
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(delivery.body.utf8)) as? [String: Any])
        #expect(payload["deliveryId"] as? String == delivery.headers["x-gonghai-delivery"])
        #expect((payload["customer"] as? [String: Any])?["id"] as? String == id)
        #expect((payload["to"] as? [String: Any])?["owner"] as? String == "rep1")
        #expect(!delivery.body.contains("13912345678"))
        let delivered = try server.query("{ webhookDeliveries(status: DELIVERED) { deliveryId attempts } }")
        #expect(delivered.at("data", "webhookDeliveries", 0, "attempts") as? Int == 1)
    }

    @Test func failuresAreRetriedWithBackoffThenDeadLetteredAndCanBeRetried() throws {
        _ = try register([])
        receiver.answer(500)
        try server.createCustomer("Retry Co", pool: "general")
        for attempt in 1...8 {
            dispatcher.tick()
            #expect(receiver.deliveries.count == attempt)
            dispatcher.tick()
            #expect(receiver.deliveries.count == attempt, "not due again before its backoff")
            server.clock.advance(seconds: 3601)
        }
        let dead = try server.query("{ webhookDeliveries(status: DEAD) { id attempts lastError status } }")
        #expect(dead.at("data", "webhookDeliveries", 0, "attempts") as? Int == 8)
        #expect(dead.at("data", "webhookDeliveries", 0, "lastError") as? String == "HTTP 500")
        dispatcher.tick()
        #expect(receiver.deliveries.count == 8, "dead letters are not attempted")
        let id = try #require(dead.at("data", "webhookDeliveries", 0, "id") as? String)
        let retried = try server.query("mutation($id: ID!) { retryWebhookDelivery(id: $id) { status } }", variables: ["id": id])
        #expect(retried.at("data", "retryWebhookDelivery", "status") as? String == "PENDING")
        receiver.answer(200)
        dispatcher.tick()
        #expect(receiver.deliveries.count == 9)
        let ids = Set(receiver.deliveries.compactMap { $0.headers["x-gonghai-delivery"] })
        #expect(ids.count == 1, "every retry carries the same delivery id")
        #expect(try server.query("{ webhookDeliveries(status: DEAD) { id } }", as: "rep1").errorCodes == ["FORBIDDEN"])
    }

    /// The real server is killed with SIGKILL while deliveries are in flight and restarted: every
    /// event still reaches the receiver (at least once).
    @Test func noEventIsLostWhenTheServerIsKilledMidDelivery() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gonghai-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("kill.sqlite").path
        let binary = CommandLineTests.binary
        let add = Process()
        add.executableURL = binary
        add.arguments = ["users", "add", "--database", database, "--name", "boss", "--role", "admin"]
        let pipe = Pipe()
        add.standardOutput = pipe
        try add.run()
        add.waitUntilExit()
        let token = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var serve = try ServeProcess(["serve", "--database", database, "--port", "0", "--no-sweep", "--webhook-allow-private"])
        var client = HTTPClient(port: serve.port)
        _ = try client.graphQL("mutation { createPool(input: {name: \"Default\", isDefault: true}) { id } }", token: token)
        _ = try client.graphQL(
            "mutation($u: String!) { registerWebhook(url: $u, kinds: [CUSTOMER_CREATED]) { secret } }", variables: ["u": receiver.url], token: token)
        receiver.answer(200, after: 0.15)
        for index in 0..<12 {
            _ = try client.graphQL("mutation($n: String!) { createCustomer(input: {name: $n}) { id } }", variables: ["n": "Killed \(index)"], token: token)
        }
        let deadline = Date().addingTimeInterval(20)
        while receiver.deliveries.count < 3 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        kill(serve.process.processIdentifier, SIGKILL)
        serve.process.waitUntilExit()
        let beforeRestart = receiver.deliveries.count
        #expect(beforeRestart < 12, "the kill came mid-delivery")
        receiver.answer(200)
        serve = try ServeProcess(["serve", "--database", database, "--port", "0", "--no-sweep", "--webhook-allow-private"])
        client = HTTPClient(port: serve.port)
        defer { serve.stop() }
        let expected = try DatabaseQueue(path: database).read { db in try String.fetchAll(db, sql: "SELECT delivery_id FROM webhook_outbox") }
        #expect(expected.count == 12, "all twelve events were queued with their changes")
        let until = Date().addingTimeInterval(30)
        while Set(receiver.deliveries.compactMap { $0.headers["x-gonghai-delivery"] }).count < 12 && Date() < until {
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(Set(receiver.deliveries.compactMap { $0.headers["x-gonghai-delivery"] }) == Set(expected))
    }
}
