import Dispatch
import Foundation
import Synchronization

/// A dedicated OS thread that takes queued jobs in batches and hands each batch to a handler.
///
/// Blocking drivers (SQLite, libpq) run here so that they never hold one of the few threads of Swift's
/// cooperative pool. The handler sees every job that queued up while it was busy, which lets a writer commit
/// many jobs in one transaction.
///
/// - Important: The handler runs on the job thread only; jobs may be submitted from any thread.
final class JobThread<Job: Sendable>: Sendable {
    private struct Queue {
        var jobs: [Job] = []
        var sleeping = false
        var stopping = false
    }

    /// The state shared with the thread; a class so that the thread's closure can hold it.
    private final class Core: Sendable {
        let queue = Mutex(Queue())
        let wakeUp = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
    }

    private let core = Core()

    /// Starts the thread.
    ///
    /// - Parameters:
    ///   - name: The thread's name, as shown by debuggers and `top -H`.
    ///   - handler: Called on the thread with every batch of jobs, in submission order.
    init(name: String, handler: @escaping @Sendable ([Job]) -> Void) {
        let thread = Thread { [core] in
            Self.run(core, handler: handler)
            core.finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Queues a job. Returns `false` when the thread is stopping and the job was not queued.
    @discardableResult
    func submit(_ job: Job) -> Bool {
        let (accepted, wake) = core.queue.withLock { queue -> (Bool, Bool) in
            guard !queue.stopping else {
                return (false, false)
            }
            queue.jobs.append(job)
            let wake = queue.sleeping
            queue.sleeping = false
            return (true, wake)
        }
        if wake {
            core.wakeUp.signal()
        }
        return accepted
    }

    /// Lets the thread finish the jobs already queued, then stops it and waits for it to end.
    ///
    /// - Important: Blocks the calling thread; call it from a thread of your own or accept a short wait.
    func shutdown() {
        let wake = core.queue.withLock { queue -> Bool? in
            guard !queue.stopping else {
                return nil
            }
            queue.stopping = true
            let wake = queue.sleeping
            queue.sleeping = false
            return wake
        }
        guard let wake else {
            return
        }
        if wake {
            core.wakeUp.signal()
        }
        core.finished.wait()
    }

    private static func run(_ core: Core, handler: ([Job]) -> Void) {
        while true {
            let (jobs, stop) = core.queue.withLock { queue -> ([Job], Bool) in
                let jobs = queue.jobs
                queue.jobs.removeAll(keepingCapacity: true)
                if jobs.isEmpty && !queue.stopping {
                    queue.sleeping = true
                }
                return (jobs, queue.stopping && jobs.isEmpty)
            }
            if stop {
                return
            }
            if jobs.isEmpty {
                core.wakeUp.wait()
                continue
            }
            handler(jobs)
        }
    }
}

/// A job thread for closures, with an `async` way to run one and await its result.
final class WorkerThread: Sendable {
    private let thread: JobThread<@Sendable () -> Void>

    /// Starts the thread.
    init(name: String) {
        thread = JobThread(name: name) { jobs in
            for job in jobs {
                job()
            }
        }
    }

    /// Runs `body` on the thread and returns its result to the awaiting task.
    ///
    /// - Throws: What `body` throws, or ``DNAError/Code/storeUnavailable`` when the thread has stopped.
    func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let queued = thread.submit {
                continuation.resume(with: Swift.Result { try body() })
            }
            if !queued {
                continuation.resume(throwing: DNAError(.storeUnavailable, "the worker thread has stopped"))
            }
        }
    }

    /// Finishes the queued jobs, then stops the thread.
    func shutdown() {
        thread.shutdown()
    }
}
