import Foundation
import HTTPServer
import TestSupport
import Testing

/// Stopping the daemon: what a deploy or a test teardown does many times a day.
@Suite struct HTTPServerLifecycleTests {
    /// libmicrohttpd aborts the whole process when a worker thread removes the quiesced listening
    /// socket from its epoll set after that socket was closed; this once killed a CI run. Many
    /// worker threads, many start/stop cycles, some with a request just answered, make the
    /// window likely to be hit if the socket were closed too early.
    @Test func startingAndStoppingManyTimesNeverAborts() throws {
        for round in 0..<150 {
            let server = HTTPServer(
                configuration: HTTPServerConfiguration(port: 0, threads: 8),
                handler: ClosureHandler { _ in .text(200, "ok") })
            try server.start()
            if round.isMultiple(of: 3) {
                let response = try HTTPClient(port: server.port).send(method: "GET", path: "/")
                #expect(response.status == 200)
            }
            server.stop(grace: 0)
        }
    }

    /// A stopping server refuses new connections at once but finishes the request in flight.
    @Test func aStoppingServerRefusesNewConnectionsAndFinishesTheRequestInFlight() throws {
        let entered = DispatchSemaphore(value: 0)
        let proceed = DispatchSemaphore(value: 0)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(port: 0, threads: 2),
            handler: ClosureHandler { request in
                guard request.path == "/slow" else { return .text(200, "ok") }
                entered.signal()
                proceed.wait()
                return .text(200, "finished")
            })
        try server.start()
        let port = server.port
        let inFlight = Box<HTTPClient.Response?>(nil)
        let requestDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            inFlight.value = try? HTTPClient(port: port).send(method: "GET", path: "/slow")
            requestDone.signal()
        }
        entered.wait()
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            server.stop(grace: 10)
            stopped.signal()
        }
        // Wait until the listening socket is gone: a connect is refused, not queued.
        var refused = false
        for _ in 0..<200 where !refused {
            refused = (try? HTTPClient(port: port).send(method: "GET", path: "/")) == nil
            if !refused { usleep(10_000) }
        }
        #expect(refused)
        #expect(stopped.wait(timeout: .now()) == .timedOut, "stop waits for the request in flight")
        proceed.signal()
        requestDone.wait()
        stopped.wait()
        #expect(inFlight.value?.status == 200)
        #expect(inFlight.value?.text == "finished")
    }
}

/// A value written by one thread and read by another after a semaphore orders them.
private final class Box<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
