import Foundation
import Logging
import PoolDomain
import PoolServices
import PoolStore

/// Runs the reclaim sweep inside `serve` once a day at a configured local time, catching up
/// days missed while the server was down, and brings the customers' reclaim forecasts up to date
/// after pools or rules change (`refreshForecastsIfStale`), also when this server does not
/// sweep. A plain thread: the sweep is synchronous SQLite work.
public final class SweepScheduler: @unchecked Sendable {
    let database: any ServingStore
    let clock: any TimeSource
    let hour: Int
    let minute: Int
    let logger: Logger
    /// Follow-up texts and delivered webhooks older than this many days are purged daily,
    /// after the day's sweep (nil: kept).
    let retentionDays: Int?
    /// The last day the retention purge ran.
    private var retainedThrough: Day?
    private let stopped = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var running = true
    /// Whether this server runs the daily sweep and retention (`--no-sweep`: forecasts only).
    let sweeps: Bool

    /// - Parameter at: local time `HH:MM` in the database calendar's time zone.
    public init(
        database: any ServingStore, clock: any TimeSource, at: String, logger: Logger, retentionDays: Int? = nil, sweeps: Bool = true
    ) throws {
        let parts = at.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else {
            throw SchedulerError.badTime(at)
        }
        self.database = database
        self.clock = clock
        self.hour = parts[0]
        self.minute = parts[1]
        self.logger = logger
        self.retentionDays = retentionDays
        self.sweeps = sweeps
    }

    public enum SchedulerError: Error, CustomStringConvertible {
        case badTime(String)
        public var description: String {
            switch self {
            case .badTime(let text): return "--sweep-at takes a local time HH:MM, not \"\(text)\""
            }
        }
    }

    public func start() {
        Thread { [self] in
            while lock.withLock({ running }) {
                tick()
                _ = stopped.wait(timeout: .now() + 30)
            }
            exited.signal()
        }.start()
    }

    /// Stops scheduling and waits (up to `grace` seconds) for a sweep in progress to finish, so
    /// the database is never closed under it.
    public func stop(grace: TimeInterval = 120) {
        lock.withLock { running = false }
        stopped.signal()
        _ = exited.wait(timeout: .now() + grace)
    }

    /// The last day whose sweep is due by now: today once the configured time has passed.
    public func dueThrough(_ now: Date) -> Day {
        let calendar = database.calendar
        let today = calendar.day(of: now)
        let sweepTime = calendar.start(of: today).addingTimeInterval(TimeInterval(hour * 3600 + minute * 60))
        return now >= sweepTime ? today : calendar.adding(-1, to: today)
    }

    func tick() {
        refreshForecasts()
        guard sweeps else { return }
        do {
            for report in try SweepService(store: database, clock: clock).catchUp(through: dueThrough(clock.now())) {
                logger.info(
                    "sweep run",
                    metadata: [
                        "run": "\(report.runId ?? 0)", "asOf": "\(report.asOf)", "evaluated": "\(report.evaluated)",
                        "reclaimed": "\(report.reclaimed)", "skipped": "\(report.skipped)", "failed": "\(report.failed)",
                        "warned": "\(report.warned)",
                    ])
            }
        } catch is SweepInProgress {
            logger.info("sweep: another instance is running it")
        } catch {
            logger.error("sweep failed: \(String(reflecting: error))")
        }
        purgeIfDue()
    }

    /// Recomputes every private customer's reclaim forecast when pools or rules changed since
    /// (the dashboard answers exactly but slower until it has).
    func refreshForecasts() {
        do {
            let started = DispatchTime.now()
            if try database.refreshForecastsIfStale() {
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
                logger.info("reclaim forecasts refreshed", metadata: ["seconds": "\(String(format: "%.1f", seconds))"])
            }
        } catch {
            logger.error("reclaim forecast refresh failed: \(String(reflecting: error))")
        }
    }

    /// The retention purge, once a day at the sweep's time (each instance may run it; it is
    /// idempotent).
    func purgeIfDue() {
        let day = dueThrough(clock.now())
        guard retentionDays != nil, lock.withLock({ retainedThrough != day }) else { return }
        do {
            let protection = PoolServices(store: database, clock: clock, settings: ServiceSettings(retentionDays: retentionDays)).dataProtection
            if let report = try protection.applyRetention(by: nil) {
                logger.info(
                    "retention purge",
                    metadata: ["followUpTexts": "\(report.followUpTexts)", "deliveries": "\(report.deliveries)"])
            }
            lock.withLock { retainedThrough = day }
        } catch {
            logger.error("retention purge failed: \(String(reflecting: error))")
        }
    }
}
