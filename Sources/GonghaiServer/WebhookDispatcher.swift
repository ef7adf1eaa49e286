import Crypto
import Foundation
import Logging
import PoolDomain
import PoolStore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Delivers the webhook outbox: signed POSTs, retried with backoff, dead-lettered after the
/// last attempt. Deliveries survive restarts because they wait in the database, written in the
/// same transaction as the change they report; receivers dedupe by `X-Gonghai-Delivery`.
public final class WebhookDispatcher: @unchecked Sendable {
    let database: any ServingStore
    let clock: any TimeSource
    let logger: Logger
    let timeout: TimeInterval
    private let wake = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var running = true

    public init(database: any ServingStore, clock: any TimeSource, logger: Logger, timeout: TimeInterval = 10) {
        self.database = database
        self.clock = clock
        self.logger = logger
        self.timeout = timeout
    }

    public func start(interval: TimeInterval = 1) {
        Thread { [self] in
            while lock.withLock({ running }) {
                tick()
                _ = wake.wait(timeout: .now() + interval)
            }
            exited.signal()
        }.start()
    }

    public func stop() {
        lock.withLock { running = false }
        wake.signal()
        _ = exited.wait(timeout: .now() + timeout + 5)
    }

    /// How long a claimed delivery is this sender's alone: one attempt's timeout and a margin.
    /// Deliveries are claimed one at a time, so a sender that dies holds back at most one, and
    /// only for this long; no other sender (process or instance) takes one in hand.
    var lease: TimeInterval { timeout + 5 }

    /// Attempts every delivery due now, in order, claiming each just before sending it.
    public func tick() {
        while lock.withLock({ running }) {
            guard let (delivery, url, secret) = (try? database.claimDueDeliveries(limit: 1, lease: lease))?.first else { return }
            let outcome = send(delivery, to: url, secret: secret)
            do {
                try database.recordDelivery(delivery.id, succeeded: outcome == nil, error: outcome)
            } catch {
                logger.error("webhook bookkeeping failed: \(String(reflecting: error))")
            }
            logger.info(
                "webhook delivery",
                metadata: ["delivery": .string(delivery.deliveryID), "kind": .string(delivery.kind.rawValue), "outcome": .string(outcome ?? "delivered")])
        }
    }

    /// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>`.
    public static func signature(body: String, secret: String, timestamp: Int) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Posts one delivery; nil when the receiver answered 2xx, else why not.
    private func send(_ delivery: WebhookDelivery, to url: String, secret: String) -> String? {
        guard let target = URL(string: url) else { return "invalid URL" }
        var request = URLRequest(url: target, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(delivery.payload.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(delivery.deliveryID, forHTTPHeaderField: "X-Gonghai-Delivery")
        request.setValue(delivery.kind.rawValue, forHTTPHeaderField: "X-Gonghai-Event")
        request.setValue(
            Self.signature(body: delivery.payload, secret: secret, timestamp: Int(clock.now().timeIntervalSince1970)),
            forHTTPHeaderField: "X-Gonghai-Signature")
        let box = OutcomeBox()
        let done = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: request) { _, response, error in
            if let error {
                box.value = "transport: \(error.localizedDescription)"
            } else if let status = (response as? HTTPURLResponse)?.statusCode, !(200..<300).contains(status) {
                box.value = "HTTP \(status)"
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            return "timeout"
        }
        return box.value
    }
}

final class OutcomeBox: @unchecked Sendable {
    var value: String?
}
