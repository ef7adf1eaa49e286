import Foundation

/// Runs a request's Swift tasks on the thread that waits for them: the libmicrohttpd worker.
///
/// GraphQLSwift's executor is async and starts a child task per field. Left to the global
/// cooperative pool, a request would hop threads and, worse, stall whenever that pool is busy
/// (or blocked by synchronous callers). With this executor as the tasks' preference (SE-0417),
/// every job of the request, child tasks and default actors included, runs right here.
final class WorkerThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var finished = false

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Marks the request's work done; `drain` returns once the queue is empty.
    func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    /// Runs jobs on the calling thread until `finish` was called and no job is left.
    func drain() {
        while true {
            condition.lock()
            while jobs.isEmpty && !finished { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    /// Runs `body` as a task whose jobs all run on the calling thread, and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let executor = WorkerThreadExecutor()
        let box = ValueBox<T>()
        Task(executorPreference: executor) {
            box.value = await body()
            executor.finish()
        }
        executor.drain()
        return box.value!
    }
}

final class ValueBox<T>: @unchecked Sendable {
    var value: T?
}
