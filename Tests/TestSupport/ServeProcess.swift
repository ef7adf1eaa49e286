import Foundation

/// The real `gonghai serve` as a child process, for the tests that need the binary itself
/// (signals, logs, backups, restarts): started, and known by the port it printed.
public final class ServeProcess {
    public let process: Process
    /// serve's standard output, after the listening line.
    public let output: FileHandle
    public let port: UInt16
    /// What serve printed up to and including its listening line.
    public let banner: String

    /// The `gonghai` binary beside the test bundle.
    public static var binary: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("gonghai")
    }

    public struct NotListening: Error {}

    /// Starts `gonghai` with `arguments` and waits for its "listening" line; stderr goes to
    /// `errors` (discarded when nil).
    public init(_ arguments: [String], errors: Pipe? = nil) throws {
        process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = TestServer.repositoryURL
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errors ?? FileHandle.nullDevice
        try process.run()
        output = out.fileHandleForReading
        guard let (port, banner) = Self.listeningPort(output) else {
            process.terminate()
            throw NotListening()
        }
        self.port = port
        self.banner = banner
    }

    /// SIGTERM, then the exit status.
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Reads serve's stdout until it names its port.
    static func listeningPort(_ handle: FileHandle) -> (UInt16, String)? {
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let data = handle.availableData
            if data.isEmpty { return nil }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(of: #"127\.0\.0\.1:(\d+)/graphql"#, options: .regularExpression) {
                let match = text[range]
                return UInt16(match.dropFirst("127.0.0.1:".count).prefix { $0.isNumber }).map { ($0, text) }
            }
        }
        return nil
    }
}
