/// How the daemon listens and what it accepts.
public struct HTTPServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port; `HTTPServer.port` tells which.
    public var port: UInt16
    public var threads: Int
    /// Bodies above this are refused with 413 without being buffered.
    public var maxBodyBytes: Int
    /// Idle connections are closed after this many seconds.
    public var connectionTimeoutSeconds: Int
    public var connectionLimit: Int
    /// Connections from one client address at once (0: no limit); more are refused at accept.
    public var connectionsPerAddress: Int
    /// Peers whose `X-Forwarded-Proto` and `X-Real-IP` / `X-Forwarded-For` are believed: the
    /// reverse proxies in front. From anyone else those headers are ignored.
    public var trustedProxies: Set<String> = ["127.0.0.1", "::1"]
    /// Headers plus buffers per connection; huge headers are refused above it. 32 KiB,
    /// libmicrohttpd's own default: it clears the memory for every request on a kept-alive
    /// connection, and at 64 KiB that clearing was a twentieth of a page's instructions.
    public var connectionMemoryBytes: Int

    public init(
        host: String = "127.0.0.1", port: UInt16 = 8080, threads: Int = HTTPServerConfiguration.cores,
        maxBodyBytes: Int = 1 << 20, connectionTimeoutSeconds: Int = 30,
        connectionLimit: Int = 1000, connectionsPerAddress: Int = 0, connectionMemoryBytes: Int = 32 << 10
    ) {
        self.connectionsPerAddress = connectionsPerAddress
        self.host = host
        self.port = port
        self.threads = threads
        self.maxBodyBytes = maxBodyBytes
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.connectionLimit = connectionLimit
        self.connectionMemoryBytes = connectionMemoryBytes
    }

    public static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
