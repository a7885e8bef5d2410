import Synchronization

/// A value that arrives once, from any thread, and that tasks await with a deadline.
///
/// It carries what Foundation's `Process` and pipe callbacks learn on their own threads (a ready line, an exit
/// status) to async tests, without parking a thread of the cooperative pool.
final class Promise<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
        var expired: Set<Int> = []
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    /// Sets the value and wakes every waiter; calls after the first are ignored.
    func fulfil(_ value: Value) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value?, Never>] in
            guard state.value == nil else {
                return []
            }
            state.value = value
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters {
            waiter.resume(returning: value)
        }
    }

    /// The value, if it has arrived.
    var current: Value? {
        state.withLock { $0.value }
    }

    /// The value, or `nil` when it has not arrived within `timeout`.
    func value(within timeout: Duration) async -> Value? {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let timer = Task {
            // Cancelled once the value arrived; expiring a waiter that is gone does nothing.
            try? await Task.sleep(for: timeout)
            self.expire(id)
        }
        defer { timer.cancel() }

        return await withCheckedContinuation { continuation in
            let immediate = state.withLock { state -> Value?? in
                if let value = state.value {
                    return .some(value)
                }
                if state.expired.remove(id) != nil {
                    return .some(nil)
                }
                state.waiters[id] = continuation
                return nil
            }
            if let immediate {
                continuation.resume(returning: immediate)
            }
        }
    }

    private func expire(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Value?, Never>? in
            guard state.value == nil else {
                return nil
            }
            guard let waiter = state.waiters.removeValue(forKey: id) else {
                state.expired.insert(id)
                return nil
            }
            return waiter
        }
        waiter?.resume(returning: nil)
    }
}

/// Runs `operation` and tells whether it finished within `timeout`; one that runs over is left to finish (or
/// wait) on its own, in a task that holds nothing but the operation.
func finishes(within timeout: Duration, _ operation: @escaping @Sendable () async -> Void) async -> Bool {
    let done = Promise<Bool>()
    Task {
        await operation()
        done.fulfil(true)
    }
    return await done.value(within: timeout) != nil
}
