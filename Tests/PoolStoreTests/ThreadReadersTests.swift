import Foundation
import GRDB
import Testing

@testable import PoolStore

/// Threads keep a read connection of their own; these tests hold each read to the state
/// committed when it began, and the connections to their limit and their owners' lifetimes.
@Suite struct ThreadReadersTests {
    let directory: URL
    let path: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gonghai-readers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("db.sqlite").path
        let writer = try DatabasePool(path: path)
        try writer.write { db in
            try db.execute(sql: "CREATE TABLE t (value INTEGER NOT NULL); INSERT INTO t VALUES (1)")
        }
        try writer.close()
    }

    private func readers(limit: Int) -> ThreadReaders {
        let path = self.path
        var configuration = Configuration()
        configuration.readonly = true
        return ThreadReaders(limit: limit) { try DatabaseQueue(path: path, configuration: configuration) }
    }

    private func write(_ sql: String) throws {
        let writer = try DatabaseQueue(path: path)
        try writer.write { try $0.execute(sql: sql) }
        try writer.close()
    }

    private static func value(_ db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT value FROM t")
    }

    /// Runs `body` on a new thread and waits until that thread has exited.
    private static func onThreadThatExits<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let box = ResultBox<T>()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        let context = Unmanaged.passRetained(ThreadBody {
            box.set(Result { try body() })
        }).toOpaque()
        var thread = pthread_t()
        #expect(pthread_create(&thread, &attributes, { raw in
            let body = Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue()
            body.run()
            return nil
        }, context) == 0)
        // The thread's specific values are destroyed before it ends, so before the join returns.
        pthread_join(thread, nil)
        return try box.get()
    }

    @Test func eachReadSeesWhatWasCommittedBeforeItBegan() throws {
        let readers = readers(limit: 2)
        #expect(try readers.read(Self.value) == 1)
        try write("UPDATE t SET value = 2")
        #expect(try readers.read(Self.value) == 2)
    }

    @Test func aReadIsOneSnapshotWhileAnotherConnectionCommits() throws {
        let readers = readers(limit: 2)
        let path = self.path
        let seen = try readers.read { db -> [Int?] in
            let first = try Self.value(db)
            let writer = try DatabaseQueue(path: path)
            try writer.write { try $0.execute(sql: "UPDATE t SET value = 3") }
            try writer.close()
            return [first, try Self.value(db)]
        }
        #expect(seen == [1, 1])
        #expect(try readers.read(Self.value) == 3)
    }

    @Test func anErrorRollsTheReadBackAndTheNextReadStartsAfresh() throws {
        let readers = readers(limit: 1)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            _ = try readers.read { db -> Int? in
                _ = try Self.value(db)
                throw Stop()
            }
        }
        try write("UPDATE t SET value = 4")
        let after = try readers.read { db in (inside: db.isInsideTransaction, value: try Self.value(db)) }
        #expect(after?.inside == true)
        #expect(after?.value == 4)
    }

    @Test func pastTheLimitAThreadGetsNoConnectionUntilAnotherThreadExits() throws {
        let readers = readers(limit: 1)
        // This thread takes the only connection and keeps it.
        #expect(try readers.read(Self.value) == 1)
        let other = try Self.onThreadThatExits { try readers.read(Self.value) }
        #expect(other == nil)

        // A thread that exits hands its connection back for the next thread.
        let limited = self.readers(limit: 1)
        #expect(try Self.onThreadThatExits { try limited.read(Self.value) } == 1)
        #expect(try Self.onThreadThatExits { try limited.read(Self.value) } == 1)
        #expect(try limited.read(Self.value) == 1)
    }

    @Test func afterCloseThereAreNoConnections() throws {
        let readers = readers(limit: 2)
        #expect(try readers.read(Self.value) == 1)
        try readers.close()
        #expect(try readers.read(Self.value) == nil)
    }

    /// A thread that read from a database that is gone reads from the next one without
    /// reusing the old one's connection.
    @Test func aNewSetOnTheSameThreadOpensItsOwnConnection() throws {
        var first: ThreadReaders? = readers(limit: 1)
        #expect(try first?.read(Self.value) == 1)
        first = nil
        try write("UPDATE t SET value = 5")
        let second = readers(limit: 1)
        #expect(try second.read(Self.value) == 5)
    }

    @Test func theStoreReadsOnTheThreadsConnectionAndClosesItWithTheFile() throws {
        let store = try SQLitePoolDatabase(path: path)
        let user = try store.createUser(name: "rep", role: .rep, departmentID: nil)
        #expect(try store.users(ids: [user.id])[user.id]?.name == "rep")
        #expect(try store.threadReaders.read { _ in true } == true, "this thread holds a connection")
        try store.close()
        #expect(try store.threadReaders.read { _ in true } == nil, "closing the store closed it")
        // The close checkpointed: the log is gone or empty, everything is in the file.
        let log = try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int
        #expect((log ?? 0) == 0)
    }
}

private final class ThreadBody: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?

    func set(_ result: Result<T, any Error>) { lock.withLock { self.result = result } }

    func get() throws -> T { try lock.withLock { result! }.get() }
}
