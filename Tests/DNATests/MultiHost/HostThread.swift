import Foundation

/// Runs blocking work (a request on a plain socket, a file read, a syscall that changes the calling thread) on a
/// new thread of its own, so that it never holds one of the cooperative pool's few threads.
enum HostThread {
    /// Runs `work` on a new thread and resumes the caller with its result; the thread ends with the work.
    static func run<Value: Sendable>(
        _ name: String,
        _ work: @escaping @Sendable () throws -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try work() })
            }
            thread.name = name
            thread.start()
        }
    }
}

/// A failure of the multi-host test machinery, with a message that says what went wrong.
struct HostTestFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
