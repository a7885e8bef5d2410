import Synchronization

/// Where the reply to one call goes: a waiting local caller, or a connection back to a remote one.
protocol ReplySink<Reply>: AnyObject, Sendable {
    associatedtype Reply: Sendable

    /// Delivers the outcome. Only the first outcome counts; later ones are ignored.
    func complete(_ result: Result<Reply, DNAError>)
}

/// The reply slot of a local caller that waits in `call`.
///
/// The caller may start waiting before or after the outcome arrives; a timeout may race with the outcome.
/// A lock-protected state makes the first of them win and resumes the caller exactly once.
final class ReplySlot<Reply: Sendable>: ReplySink, Expirable {
    private enum State {
        case empty
        case waiting(UnsafeContinuation<Reply, any Error>)
        case done(Result<Reply, DNAError>)
        case delivered
    }

    private let state = Mutex(State.empty)

    /// The slot's key in the timeout wheel, when it has a deadline.
    let timerKey = TimerKey()

    func complete(_ result: Result<Reply, DNAError>) {
        let waiter = state.withLock { state -> UnsafeContinuation<Reply, any Error>? in
            switch state {
            case .empty:
                state = .done(result)
                return nil
            case .waiting(let continuation):
                state = .delivered
                return continuation
            case .done, .delivered:
                return nil
            }
        }
        waiter?.resume(with: result.mapError { $0 })
    }

    func expire(_ error: DNAError) {
        complete(.failure(error))
    }

    /// The outcome, if it has arrived and nobody waits for it; used by a caller that ran its own call.
    func takeResult() -> Result<Reply, DNAError>? {
        state.withLock { state in
            guard case .done(let result) = state else {
                return nil
            }
            state = .delivered
            return result
        }
    }

    /// Waits for the outcome.
    func wait() async throws -> Reply {
        try await withUnsafeThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<Reply, DNAError>? in
                switch state {
                case .empty:
                    state = .waiting(continuation)
                    return nil
                case .done(let result):
                    state = .delivered
                    return result
                case .waiting, .delivered:
                    // A slot has one waiter; a second wait is a runtime bug, reported rather than hung.
                    return .failure(DNAError(.internal, "a reply slot was awaited twice"))
                }
            }
            if let ready {
                continuation.resume(with: ready.mapError { $0 })
            }
        }
    }
}
