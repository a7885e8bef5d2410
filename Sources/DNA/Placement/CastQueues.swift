import Synchronization

/// Casts waiting for their name to be resolved, per name, in the order they were sent.
///
/// While a name's route is being looked up, its casts queue here; once the route is known, they are
/// delivered in order under the lock, so that a cast sent after the queue drained cannot overtake them. A call
/// from the same sender waits for the queue to drain first (``waitUntilDrained(_:)``), so that it too reaches
/// the actor after the casts sent before it.
final class CastQueues: Sendable {
    /// Delivers one cast to a resolved route, or drops it (`nil`: the name could not be placed).
    typealias Delivery = @Sendable (CastTarget?) -> Void

    private struct Queue {
        var deliveries: [Delivery] = []
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let queues = Mutex<[ActorName: Queue]>([:])

    /// How many names have casts waiting; read without the lock on the path of every cast.
    private let waitingNames = Atomic<Int>(0)

    /// Whether no cast of any name waits for a route, so that a cast may be delivered without the lock.
    var isIdle: Bool {
        waitingNames.load(ordering: .acquiring) == 0
    }

    /// Queues `delivery` behind the casts already waiting for `name`, or delivers it at once.
    ///
    /// - Parameter deliverNow: Called under the lock when nothing waits for `name`; returns `false` when the
    ///   route is not known without a lookup, and the cast must wait for a resolution.
    /// - Returns: Whether the caller must start resolving `name` (this cast opened the queue).
    func submit(_ name: ActorName, _ delivery: @escaping Delivery, deliverNow: () -> Bool) -> Bool {
        queues.withLock { queues in
            if queues[name] != nil {
                queues[name]?.deliveries.append(delivery)
                return false
            }
            if deliverNow() {
                return false
            }
            queues[name] = Queue(deliveries: [delivery])
            waitingNames.add(1, ordering: .releasing)
            return true
        }
    }

    /// Delivers every cast waiting for `name` to `target`, in order, and forgets the queue.
    func drain(_ name: ActorName, to target: CastTarget?) {
        let waiters = queues.withLock { queues -> [CheckedContinuation<Void, Never>] in
            guard let queue = queues.removeValue(forKey: name) else {
                return []
            }
            for delivery in queue.deliveries {
                delivery(target)
            }
            waitingNames.subtract(1, ordering: .releasing)
            return queue.waiters
        }
        for waiter in waiters {
            waiter.resume()
        }
    }

    /// Returns once no cast for `name` waits for a route.
    func waitUntilDrained(_ name: ActorName) async {
        guard queues.withLock({ $0[name] != nil }) else {
            return
        }
        await withCheckedContinuation { continuation in
            let waiting = queues.withLock { queues -> Bool in
                guard queues[name] != nil else {
                    return false
                }
                queues[name]?.waiters.append(continuation)
                return true
            }
            if !waiting {
                continuation.resume()
            }
        }
    }
}

/// Where resolved casts go.
enum CastTarget: Sendable {
    case local(Ownership)
    case remote(node: NodeID, address: String)
}
