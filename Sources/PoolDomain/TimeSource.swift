import Foundation

/// Where "now" comes from. Injected everywhere so tests and previews can move days forward.
public protocol TimeSource: Sendable {
    func now() -> Date
}

/// The wall clock.
public struct SystemTimeSource: TimeSource {
    public init() {}
    public func now() -> Date { Date() }
}

/// The wall clock's pace from another starting instant: a server previewing or benchmarking
/// data written for another day (`serve --clock-start`) sees that day as today.
public struct ShiftedTimeSource: TimeSource {
    let offset: TimeInterval

    public init(startingAt start: Date) { offset = start.timeIntervalSinceNow }

    public func now() -> Date { Date().addingTimeInterval(offset) }
}

/// A clock that only moves when told to: for tests, demos and "what if" previews.
public final class ManualTimeSource: TimeSource, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date) { current = start }

    public func now() -> Date { lock.withLock { current } }

    public func set(_ date: Date) { lock.withLock { current = date } }

    public func advance(seconds: TimeInterval) { lock.withLock { current += seconds } }

    public func advance(days: Int) { advance(seconds: TimeInterval(days) * 86_400) }
}
