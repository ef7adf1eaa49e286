import Foundation
import PoolDomain
import Testing

@testable import PoolStore

/// Connections and statements are used by one thread at a time and closed in one order, even
/// while threads read, the store closes and reading threads exit all at once. Before the fix
/// this crashed inside SQLite (a connection freed from one thread while another still used it);
/// it needs no sanitizer to fail.
@Suite struct ConnectionLifetimeStressTests {
    @Test func threadsReadingWhileTheStoreClosesAndReadersExitNeverCrash() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gonghai-lifetime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("db.sqlite").path
        let seed = try SQLitePoolDatabase(path: path)
        let rep = Actor(try seed.createUser(name: "rep", role: .rep, departmentID: nil))
        for index in 0..<20 {
            _ = try seed.createCustomer(CustomerDraft(name: "Company \(index)"), by: rep, intoPool: nil)
        }
        try seed.close()

        let outcomes = ReadCounter()
        for round in 0..<40 {
            try Self.round(path: path, user: rep.userID, closing: round.isMultiple(of: 2), outcomes: outcomes)
        }
        #expect(outcomes.reads > 0, "the readers read before the store closed")
        #expect(outcomes.unexpected == [], "a read failed otherwise than with StoreClosedError")
    }

    /// One store, eight threads reading through it (half of them exiting after a few reads, so
    /// their connections go back while others read), and the store closed while they read, or
    /// only released, so that the last reading thread to finish frees it.
    private static func round(path: String, user: UserID, closing: Bool, outcomes: ReadCounter) throws {
        var store: SQLitePoolDatabase? = try SQLitePoolDatabase(path: path)
        var threads: [pthread_t] = []
        for index in 0..<8 {
            let reads = index.isMultiple(of: 2) ? 3 : 200
            let shared = store!
            threads.append(Self.spawn {
                for _ in 0..<reads {
                    do {
                        _ = try shared.withReadSnapshot { snapshot in
                            _ = try snapshot.users(ids: [user])
                            return try snapshot.countCustomers(CustomerFilter(), scope: .all)
                        }
                        _ = try shared.users(ids: [user])
                        outcomes.read()
                    } catch is StoreClosedError {
                        return
                    } catch {
                        outcomes.failed(error)
                    }
                }
            })
        }
        usleep(UInt32.random(in: 0...2_000))
        if closing { try store?.close() }
        store = nil
        for thread in threads { pthread_join(thread, nil) }
    }

    private static func spawn(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        let context = Unmanaged.passRetained(StressBody(body)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            Unmanaged<StressBody>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, context)
        precondition(created == 0)
        return thread
    }
}

private final class StressBody: @unchecked Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

private final class ReadCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var errors: [String] = []
    func read() { lock.withLock { count += 1 } }
    func failed(_ error: any Error) { lock.withLock { errors.append(String(describing: error)) } }
    var reads: Int { lock.withLock { count } }
    var unexpected: [String] { lock.withLock { errors } }
}
