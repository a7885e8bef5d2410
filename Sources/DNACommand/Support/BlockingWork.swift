import Foundation

/// Runs blocking work on a thread of its own and suspends the caller until it is done.
///
/// Swift's cooperative pool has as many threads as cores (two here): a blocking HTTP exchange or a wait on a
/// child process there would stall every task of the process.
enum BlockingWork {
    /// Runs `work` on a new thread and returns what it returned.
    static func run<Result: Sendable>(name: String, _ work: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.name = name
            thread.start()
        }
    }

    /// Runs `work` on a new thread and returns what it returned or throws what it threw.
    static func run<Result: Sendable>(
        name: String,
        _ work: @escaping @Sendable () throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Swift.Result { try work() }) }
            thread.name = name
            thread.start()
        }
    }
}
