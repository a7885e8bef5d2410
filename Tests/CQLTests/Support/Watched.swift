import Synchronization

/// A value tests wait on: every update wakes the waiters whose condition now holds; a wait that outlives its
/// bound fails (the bound only limits a broken test, it never orders events).
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

    var value: State { box.withLock { $0.state } }

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

    struct TimedOut: Error {}

    @discardableResult
    func wait(
        bound: Duration = .seconds(10),
        until condition: @escaping @Sendable (State) -> Bool
    ) async throws -> State {
        try await withCheckedThrowingContinuation { continuation in
            let (ready, id) = box.withLock { box -> (State?, Int) in
                if condition(box.state) {
                    return (box.state, -1)
                }
                box.nextID += 1
                box.waiters.append(Waiter(id: box.nextID, condition: condition, continuation: continuation))
                return (nil, box.nextID)
            }
            if let ready {
                continuation.resume(returning: ready)
                return
            }
            Task { [self] in
                try? await Task.sleep(for: bound)
                let expired = box.withLock { box -> Waiter? in
                    guard let index = box.waiters.firstIndex(where: { $0.id == id }) else {
                        return nil
                    }
                    return box.waiters.remove(at: index)
                }
                expired?.continuation.resume(throwing: TimedOut())
            }
        }
    }
}
