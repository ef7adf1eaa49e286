import Crypto
import Foundation
import Logging
import PoolDomain
import PoolServices
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
    /// Where deliveries may go, checked again before each one.
    let targets: WebhookTargets
    private let wake = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var running = true

    public init(
        database: any ServingStore, clock: any TimeSource, logger: Logger, timeout: TimeInterval = 10,
        targets: WebhookTargets = WebhookTargets()
    ) {
        self.targets = targets
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

    /// Posts one delivery; nil when the receiver answered 2xx, else why not. The target is
    /// checked again now, after resolving its host; an `http://` delivery then connects to the
    /// very address checked (the URL's host replaced by it, the name sent as `Host`). Redirects
    /// are not followed: a 3xx is a failed attempt.
    private func send(_ delivery: WebhookDelivery, to url: String, secret: String) -> String? {
        guard !secret.isEmpty else { return "the signing secret cannot be opened with the configured keys (GONGHAI_SECRET_KEY)" }
        let target: URL
        let addresses: [NetworkAddress]
        do {
            (target, addresses) = try targets.check(url)
        } catch PoolError.invalidInput(_, let message) {
            return "target refused: \(message)"
        } catch {
            return "target refused: \(error)"
        }
        var request = URLRequest(url: Self.pinned(target, to: addresses) ?? target, timeoutInterval: timeout)
        if let host = target.host, request.url != target {
            request.setValue(target.port.map { "\(host):\($0)" } ?? host, forHTTPHeaderField: "Host")
        }
        request.httpMethod = "POST"
        request.httpBody = Data(delivery.payload.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(delivery.deliveryID, forHTTPHeaderField: "X-Gonghai-Delivery")
        request.setValue(delivery.kind.rawValue, forHTTPHeaderField: "X-Gonghai-Event")
        request.setValue(
            Self.signature(body: delivery.payload, secret: secret, timestamp: Int(clock.now().timeIntervalSince1970)),
            forHTTPHeaderField: "X-Gonghai-Signature")
        let attempt = DeliveryAttempt()
        let session = URLSession(configuration: .ephemeral, delegate: attempt, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        let task = session.dataTask(with: request)
        task.resume()
        if attempt.done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            return "timeout"
        }
        return attempt.outcome
    }

    /// `target` with its host replaced by the first checked address, for `http://` only (TLS
    /// needs the name for the certificate).
    static func pinned(_ target: URL, to addresses: [NetworkAddress]) -> URL? {
        guard target.scheme?.lowercased() == "http", let address = addresses.first,
            var parts = URLComponents(url: target, resolvingAgainstBaseURL: false)
        else { return nil }
        let literal = address.bytes.count == 16 ? "[\(address)]" : "\(address)"
        guard parts.host != literal else { return nil }
        parts.percentEncodedHost = literal
        return parts.url
    }
}

/// One attempt's outcome, told by its session's delegate: the status, or the transport error,
/// and never a redirect followed.
final class DeliveryAttempt: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var status: Int?
    private var failure: String?

    var outcome: String? {
        lock.withLock {
            if let failure { return failure }
            guard let status else { return "no response" }
            return (200..<300).contains(status) ? nil : "HTTP \(status)"
        }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        lock.withLock { status = response.statusCode }
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        lock.withLock { status = (response as? HTTPURLResponse)?.statusCode }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.withLock {
            if let error, status == nil { failure = "transport: \(error.localizedDescription)" }
        }
        done.signal()
    }
}
