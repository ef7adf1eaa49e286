import Foundation

/// SIGINT and SIGTERM, caught from before the server listens: a signal that arrives between
/// "listening" and the wait must stop the server, not be lost (or kill it mid-start).
public final class TerminationSignal {
    private let stop = DispatchSemaphore(value: 0)
    private var sources: [DispatchSourceSignal] = []

    public init() {
        // libdispatch installs its own handler when the source registers; ignoring first keeps
        // the default action (exit) from winning before it does.
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [stop] in stop.signal() }
            source.resume()
            sources.append(source)
        }
    }

    /// Blocks until one of the signals has arrived (at any time since `init`).
    public func wait() {
        stop.wait()
        sources.forEach { $0.cancel() }
    }
}
