internal import CDNANetwork
import Glibc

/// Starts OS threads for event loops and for blocking work.
///
/// Blocking calls (name resolution, the blocking HTTP client, joining a loop
/// thread) must never run on Swift's cooperative thread pool, which has only
/// as many threads as cores; they get a thread of their own from here.
enum ThreadLauncher {
    private final class Payload {
        let body: () -> Void

        init(body: @escaping () -> Void) {
            self.body = body
        }
    }

    /// Starts a joinable thread that runs `body`.
    ///
    /// - Parameters:
    ///   - name: The thread name shown by debuggers (at most 15 bytes are kept).
    ///   - body: The work to run.
    /// - Returns: The thread, to be passed to `pthread_join` exactly once.
    static func start(name: String, body: @escaping @Sendable () -> Void) -> pthread_t {
        var thread = pthread_t()
        let payload = Unmanaged.passRetained(Payload(body: body)).toOpaque()

        let result = pthread_create(
            &thread,
            nil,
            { argument in
                // Force unwrap: pthread_create hands back the non-nil payload pointer passed below.
                let payload = Unmanaged<Payload>.fromOpaque(argument!).takeRetainedValue()
                payload.body()
                return nil
            },
            payload
        )
        precondition(result == 0, "pthread_create failed with \(result)")

        _ = pthread_setname_np(thread, String(name.utf8.prefix(15)) ?? "dna")
        return thread
    }

    /// Runs blocking `work` on a new thread and resumes the caller with its result.
    ///
    /// - Parameter work: The blocking work.
    /// - Returns: What `work` returned.
    /// - Throws: What `work` threw.
    static func runBlocking<Result: Sendable>(
        name: String,
        _ work: @escaping @Sendable () throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = start(name: name) {
                continuation.resume(with: Swift.Result { try work() })
            }
            pthread_detach(thread)
        }
    }
}
