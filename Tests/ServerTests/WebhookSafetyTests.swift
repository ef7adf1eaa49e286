import Crypto
import Foundation
import Logging
import PoolDomain
import PoolServices
import PoolStore
import Testing

@testable import GonghaiServer
import TestSupport

/// Webhook targets (no private ranges unless allowed, re-checked after DNS at delivery, no
/// redirects) and signing secrets sealed at rest (issue 20).
@Suite struct WebhookSafetyTests {
    static func dispatcher(_ server: TestServer, _ targets: WebhookTargets? = nil) -> WebhookDispatcher {
        WebhookDispatcher(
            database: server.database, clock: server.clock, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }), timeout: 5,
            targets: targets ?? server.settings.webhookTargets)
    }

    func register(_ server: TestServer, _ url: String, kinds: String = "[CUSTOMER_CREATED]") throws -> [String: Any] {
        try server.query("mutation($u: String!) { registerWebhook(url: $u, kinds: \(kinds)) { secret endpoint { id } } }", variables: ["u": url])
    }

    @Test func privateLoopbackAndLinkLocalTargetsAreRefusedUnlessAllowed() throws {
        let resolver = TestResolver()
        resolver.point("intranet.partner.test", to: "192.168.1.10")
        resolver.point("mixed.partner.test", to: "93.184.216.34", "10.1.2.3")
        let server = try TestServer(resolver: resolver) { $0.webhookTargets = WebhookTargets(allowPrivate: false, resolver: resolver) }
        for url in [
            "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook", "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.5/hook", "http://172.16.3.4/hook", "http://100.64.0.1/hook", "http://[::ffff:127.0.0.1]/hook",
            "http://[fd00::1]/hook", "http://0.0.0.0/hook", "https://intranet.partner.test/hook", "https://mixed.partner.test/hook",
        ] {
            let answer = try register(server, url)
            #expect(answer.errorCodes == ["BAD_USER_INPUT"], "\(url): \(answer)")
        }
        #expect(try register(server, "https://hooks.partner.test/hook")["errors"] == nil, "a public name")
        #expect(try register(server, "https://93.184.216.34/hook")["errors"] == nil, "a public address")
        let console = try server.console(as: "admin")
        try console.get("/admin/webhooks")
        let page = try console.post("/admin/webhooks", [("url", "http://127.0.0.1:9/hook"), ("kind", "customer.created")])
        #expect(page.text.contains("private, loopback or link-local"), "the console decides the same way")
        #expect(try server.count("SELECT COUNT(*) FROM webhook_endpoints") == 2)
    }

    @Test func aNameThatTurnsPrivateAfterRegistrationIsRefusedAtDelivery() throws {
        let receiver = try Receiver()
        let resolver = TestResolver()
        resolver.point("hooks.partner.test", to: "93.184.216.34")
        let server = try TestServer(resolver: resolver) { $0.webhookTargets = WebhookTargets(allowPrivate: false, resolver: resolver) }
        #expect(try register(server, "http://hooks.partner.test:\(receiver.server.port)/hook")["errors"] == nil)
        resolver.point("hooks.partner.test", to: "127.0.0.1")
        try server.createCustomer("Rebinding Co", owner: "rep1")
        Self.dispatcher(server).tick()
        #expect(receiver.deliveries.isEmpty, "nothing reached the loopback receiver")
        let error = try server.rows("SELECT last_error FROM webhook_outbox").first?.first ?? nil
        #expect(error?.contains("target refused") == true && error?.contains("127.0.0.1") == true, "\(error ?? "nil")")
    }

    @Test func anHTTPDeliveryConnectsToTheAddressCheckedAndSendsTheNameAsHost() throws {
        let receiver = try Receiver()
        let resolver = TestResolver()
        resolver.point("hooks.partner.test", to: "127.0.0.1")
        let server = try TestServer(resolver: resolver)
        let url = "http://hooks.partner.test:\(receiver.server.port)/hook"
        #expect(try register(server, url)["errors"] == nil)
        try server.createCustomer("Pinned Co", owner: "rep1")
        Self.dispatcher(server).tick()
        #expect(receiver.deliveries.count == 1)
        #expect(receiver.deliveries.first?.headers["host"] == "hooks.partner.test:\(receiver.server.port)")
    }

    @Test func redirectsAreNotFollowed() throws {
        let first = try Receiver()
        let second = try Receiver()
        let server = try TestServer()
        first.answer(302, headers: [("Location", second.url)])
        #expect(try register(server, first.url)["errors"] == nil)
        try server.createCustomer("Redirected Co", owner: "rep1")
        Self.dispatcher(server).tick()
        #expect(first.deliveries.count == 1)
        #expect(second.deliveries.isEmpty, "the redirect was not followed")
        #expect(try server.rows("SELECT last_error, status FROM webhook_outbox").first == ["HTTP 302", "pending"])
    }

    @Test func secretsAreSealedAtRestSignDeliveriesAndSurviveARotation() throws {
        let receiver = try Receiver()
        let server = try TestServer()
        let first = String(repeating: "k", count: 40)
        try server.database.secrets.use(current: first)
        let registered = try register(server, receiver.url)
        let secret = try #require(registered.at("data", "registerWebhook", "secret") as? String)
        let stored = try #require(try server.rows("SELECT secret FROM webhook_endpoints").first?.first ?? nil)
        #expect(stored.hasPrefix("enc:v1:") && !stored.contains(secret), "sealed, not the secret itself")
        func deliverAndVerify(_ name: String) throws {
            try server.createCustomer(name, owner: "rep1")
            Self.dispatcher(server).tick()
            let delivery = try #require(receiver.deliveries.last)
            let header = try #require(delivery.headers["x-gonghai-signature"])
            let timestamp = Int(header.split(separator: ",")[0].dropFirst(2)) ?? 0
            #expect(header == WebhookDispatcher.signature(body: delivery.body, secret: secret, timestamp: timestamp), "signed with the secret shown once")
        }
        try deliverAndVerify("Sealed Co")
        // Rotation: a new key, the old one kept for opening; at start the server reseals.
        let second = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        try server.database.secrets.use(current: second, previous: [first])
        #expect(try server.database.resealSecrets() == 1)
        let resealed = try #require(try server.rows("SELECT secret FROM webhook_endpoints").first?.first ?? nil)
        #expect(resealed != stored && resealed.hasPrefix("enc:v1:"))
        try server.database.secrets.use(current: second)
        #expect(try server.database.resealSecrets() == 0)
        try deliverAndVerify("Rotated Co")
        // A key that opens nothing: refused at start, and no delivery is signed with anything else.
        try server.database.secrets.use(current: String(repeating: "z", count: 40))
        #expect(throws: SecretBox.UnknownKey.self) { try server.database.resealSecrets() }
        let before = receiver.deliveries.count
        try server.createCustomer("Unopenable Co", owner: "rep1")
        Self.dispatcher(server).tick()
        #expect(receiver.deliveries.count == before)
        let error = try server.rows("SELECT last_error FROM webhook_outbox ORDER BY id DESC").first?.first ?? nil
        #expect(error?.contains("GONGHAI_SECRET_KEY") == true)
        #expect(throws: SecretBox.KeyError.self) { try server.database.secrets.use(current: "short") }
    }

    @Test func theServerSaysAtStartWhetherSecretsAreSealed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gonghai-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("keys.sqlite").path
        let errors = Pipe()
        let plain = try ServeProcess(["serve", "--database", database, "--port", "0", "--no-sweep"], errors: errors)
        _ = plain.stop()
        let warned = String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
        #expect(warned.contains("stored unencrypted") && warned.contains("GONGHAI_SECRET_KEY"), "\(warned)")
        let keyFile = directory.appendingPathComponent("key").path
        try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString().write(toFile: keyFile, atomically: true, encoding: .utf8)
        let sealedErrors = Pipe()
        let sealed = try ServeProcess(["serve", "--database", database, "--port", "0", "--no-sweep", "--secret-key-file", keyFile], errors: sealedErrors)
        _ = sealed.stop()
        let told = String(decoding: sealedErrors.fileHandleForReading.availableData, as: UTF8.self)
        #expect(told.contains("sealed at rest") && !told.contains("unencrypted"), "\(told)")
    }
}

/// The address ranges a webhook may not reach by default.
@Suite struct NetworkAddressTests {
    @Test func privateRangesAreRecognisedAndPublicOnesAreNot() {
        let resolver = SystemResolver()
        for text in ["127.0.0.1", "10.2.3.4", "172.31.255.255", "192.168.0.1", "169.254.169.254", "100.127.0.1", "0.0.0.0", "224.0.0.1",
                     "255.255.255.255", "::1", "::", "fe80::1", "fd12::1", "ff02::1", "::ffff:10.0.0.1", "64:ff9b::7f00:1"] {
            let address = resolver.addresses(of: text).first
            #expect(address?.isPrivate == true, "\(text)")
        }
        for text in ["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"] {
            let address = resolver.addresses(of: text).first
            #expect(address?.isPrivate == false, "\(text)")
        }
    }
}
