import Foundation

/// Runs `body(index)` on `count` real threads released at the same moment, and waits for all.
/// (`DispatchQueue.concurrentPerform` runs only as many at a time as there are cores: on two
/// cores a race between 32 "concurrent" callers was a race between two.)
public func onRealThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let start = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        Thread {
            defer { done.leave() }
            start.wait()
            body(index)
        }.start()
    }
    for _ in 0..<count { start.signal() }
    done.wait()
}

/// A value threads change under a lock, for counting outcomes of a race.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    public init(_ value: Value) { stored = value }

    public var value: Value { lock.withLock { stored } }

    public func mutate(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}
