import Dispatch
import Synchronization

@testable import DNANetwork

/// Shared state that tests wait on: every update wakes the waiters whose
/// condition now holds, and a wait that outlives its timeout fails.
final class Watched<State: Sendable>: Sendable {
    private struct Waiter {
        let id: Int
        let condition: @Sendable (State) -> Bool
        let continuation: CheckedContinuation<State, any Error>
    }

    private struct Box {
        var state: State
        var waiters: [Waiter] = []
        var nextID = 0
    }

    private let box: Mutex<Box>

    init(_ initial: State) {
        box = Mutex(Box(state: initial))
    }

    var value: State {
        box.withLock { $0.state }
    }

    func update(_ change: (inout State) -> Void) {
        let ready = box.withLock { box -> [(CheckedContinuation<State, any Error>, State)] in
            change(&box.state)

            var ready: [(CheckedContinuation<State, any Error>, State)] = []
            box.waiters.removeAll { waiter in
                guard waiter.condition(box.state) else {
                    return false
                }
                ready.append((waiter.continuation, box.state))
                return true
            }
            return ready
        }

        for (continuation, state) in ready {
            continuation.resume(returning: state)
        }
    }

    /// Waits until `condition` holds; fails after `timeout`.
    @discardableResult
    func wait(
        timeout: Duration = .seconds(10),
        until condition: @escaping @Sendable (State) -> Bool
    ) async throws -> State {
        try await withCheckedThrowingContinuation { continuation in
            let outcome = box.withLock { box -> (State?, Int) in
                if condition(box.state) {
                    return (box.state, -1)
                }
                let id = box.nextID
                box.nextID += 1
                box.waiters.append(Waiter(id: id, condition: condition, continuation: continuation))
                return (nil, id)
            }

            if let state = outcome.0 {
                continuation.resume(returning: state)
                return
            }
            scheduleTimeout(id: outcome.1, after: timeout)
        }
    }

    private func scheduleTimeout(id: Int, after timeout: Duration) {
        let milliseconds = Int(timeout.clampedNanoseconds / 1_000_000)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { [self] in
            let expired = box.withLock { box -> Waiter? in
                guard let index = box.waiters.firstIndex(where: { $0.id == id }) else {
                    return nil
                }
                return box.waiters.remove(at: index)
            }
            expired?.continuation.resume(throwing: TestTimeout())
        }
    }
}

struct TestTimeout: Error, CustomStringConvertible {
    var description: String {
        "timed out waiting for a condition"
    }
}
