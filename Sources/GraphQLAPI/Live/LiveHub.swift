import Foundation
import GraphQL
import HTTPServer
import PoolDomain
import PoolStore

/// Live updates: every open subscription of this instance, and the one thread that feeds them.
///
/// While anyone subscribes, the thread reads what changed since its cursor (ownership events
/// and reclaim warnings, by id: committed by this instance or any other on the same database)
/// every `pollInterval`, and hands each change to the subscriptions it concerns. Each delivery
/// runs the subscriber's selection with their own rights, as a query would. Every `heartbeat`
/// it sends each stream a comment (a client or proxy that went away is then found out) and asks
/// again whether each token still works: a revoked or expired token, or a deactivated user,
/// ends its streams. Streams hold no worker thread (`EventStream`).
final class LiveHub: @unchecked Sendable {
    typealias Limits = LiveLimits

    struct Subscriber: Sendable {
        let token: String
        let interest: LiveInterest
        let stream: EventStream
        /// The selection run for one change, with the token's current grant: the `next` event's
        /// JSON, or nil when nothing is to be sent.
        let render: @Sendable (any Sendable, TokenGrant) -> [UInt8]?
        var grant: TokenGrant
    }

    let database: any PoolDatabase
    let limits: Limits
    private let condition = NSCondition()
    private var subscribers: [Int: Subscriber] = [:]
    private var nextID = 1
    private var cursor: LiveCursor?
    private var thread: Thread?
    private var stopping = false
    private let log: @Sendable (String) -> Void

    init(database: any PoolDatabase, limits: Limits = Limits(), log: @escaping @Sendable (String) -> Void) {
        self.database = database
        self.limits = limits
        self.log = log
    }

    var count: Int { condition.withLock { subscribers.count } }

    /// Adds a subscriber, within the limits; its stream ends it when the client leaves.
    func add(_ subscriber: Subscriber) throws {
        // Read before taking the lock (a query), and used only if the hub has no cursor then:
        // the new subscriber hears of every change committed from now on.
        let start = try database.liveCursor()
        let id = try condition.withLock { () -> Int in
            guard !stopping else { throw APIError(.unavailable, "The server is stopping.") }
            guard subscribers.count < limits.total else {
                throw APIError(.tooManySubscriptions, "The server holds \(limits.total) subscriptions, its most; try again later.")
            }
            guard subscribers.values.filter({ $0.token == subscriber.token }).count < limits.perToken else {
                throw APIError(.tooManySubscriptions, "A token may hold \(limits.perToken) subscriptions at once; close one first.")
            }
            if cursor == nil { cursor = start }
            defer { nextID += 1 }
            subscribers[nextID] = subscriber
            if thread == nil {
                let thread = Thread { [weak self] in self?.run() }
                thread.name = "gonghai-live"
                self.thread = thread
                thread.start()
            }
            condition.signal()
            return nextID
        }
        subscriber.stream.onClose { [weak self] in self?.remove(id) }
    }

    private func remove(_ id: Int) { condition.withLock { _ = subscribers.removeValue(forKey: id) } }

    /// Ends every stream with `complete` and stops the thread.
    func stop() {
        let all = condition.withLock { () -> [Subscriber] in
            stopping = true
            condition.broadcast()
            return Array(subscribers.values)
        }
        for subscriber in all { Self.complete(subscriber.stream) }
    }

    static func complete(_ stream: EventStream) {
        stream.send(Array("event: complete\ndata:\n\n".utf8))
        stream.finish()
    }

    private func run() {
        var lastHeartbeat = Date()
        while true {
            let (snapshot, position) = condition.withLock { () -> ([Int: Subscriber], LiveCursor?) in
                if !stopping { _ = condition.wait(until: Date().addingTimeInterval(limits.pollInterval)) }
                if subscribers.isEmpty { cursor = nil }
                return (subscribers, cursor)
            }
            if condition.withLock({ stopping }) { return }
            guard let position, !snapshot.isEmpty else { continue }
            do {
                let (events, warnings) = try database.liveChanges(after: position, first: 500)
                deliver(events, warnings, to: snapshot)
                condition.withLock {
                    cursor = LiveCursor(
                        events: events.last?.id.rawValue ?? position.events, warnings: warnings.last?.id ?? position.warnings)
                }
            } catch {
                log("live updates could not read changes: \(error)")
            }
            if Date().timeIntervalSince(lastHeartbeat) >= limits.heartbeat {
                lastHeartbeat = Date()
                heartbeat(snapshot)
            }
        }
    }

    private func deliver(_ events: [OwnershipEvent], _ warnings: [UserNotification], to snapshot: [Int: Subscriber]) {
        let changes: [(LiveInterest) -> (any Sendable)?] =
            events.map { event in { $0.change(for: event) } } + warnings.map { warning in { $0.change(for: warning) } }
        for change in changes {
            for subscriber in snapshot.values {
                guard let root = change(subscriber.interest) else { continue }
                if let bytes = subscriber.render(root, subscriber.grant) {
                    subscriber.stream.send(Array("event: next\ndata: ".utf8) + bytes + Array("\n\n".utf8))
                }
            }
        }
    }

    /// A comment to every stream, and each token asked again.
    private func heartbeat(_ snapshot: [Int: Subscriber]) {
        for (id, subscriber) in snapshot {
            // A database that cannot answer now ends nothing; a token it refuses ends its streams.
            let answer: TokenGrant?
            do { answer = try database.grant(forToken: subscriber.token) } catch {
                subscriber.stream.send(Array(": keep-alive\n\n".utf8))
                continue
            }
            guard let grant = answer else {
                Self.complete(subscriber.stream)
                remove(id)
                continue
            }
            condition.withLock { subscribers[id]?.grant = grant }
            subscriber.stream.send(Array(": keep-alive\n\n".utf8))
        }
    }
}
