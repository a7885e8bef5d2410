import Synchronization

@testable import DNA

/// A reply sink that records its outcome synchronously, so that a test can tell whether a reply was released
/// at a given point without racing the caller's task.
final class RecordingSink<Reply: Sendable>: ReplySink {
    private let outcome = Mutex<Result<Reply, DNAError>?>(nil)
    private let completed = EventCounter()

    func complete(_ result: Result<Reply, DNAError>) {
        let first = outcome.withLock { outcome in
            guard outcome == nil else {
                return false
            }
            outcome = result
            return true
        }
        if first {
            completed.increment()
        }
    }

    /// Whether the reply (or an error) has been released.
    var isCompleted: Bool {
        outcome.withLock { $0 != nil }
    }

    /// Waits for the outcome.
    func value() async throws -> Reply {
        await completed.wait(for: 1)
        return try outcome.withLock { $0! }.get()  // Non-nil: the counter is raised only after it is set.
    }
}
