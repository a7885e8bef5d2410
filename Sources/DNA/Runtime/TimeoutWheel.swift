import Synchronization

/// Something that can be failed when its deadline passes.
protocol Expirable: AnyObject, Sendable {
    /// Identifies the entry in the wheel so that it can be cancelled.
    var timerKey: TimerKey { get }

    /// Fails the entry with a timeout.
    func expire(_ error: DNAError)
}

/// A unique identity for an entry of the timeout wheel.
final class TimerKey: Hashable, Sendable {
    static func == (lhs: TimerKey, rhs: TimerKey) -> Bool { lhs === rhs }
    func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// Call deadlines, kept in buckets of a fixed tick and expired by one periodic sweep.
///
/// Registering and cancelling are O(1) under a lock; no task or timer exists per call. A deadline fires up to
/// one tick late, which is fine for call timeouts. The sweeping task waits in ``waitUntilOccupied()`` while
/// no deadline is pending, so that an idle node does not wake a hundred times a second.
final class TimeoutWheel: Sendable {
    /// Where an entry went, needed to cancel it.
    struct Ticket: Sendable {
        fileprivate let bucket: UInt64
    }

    private struct State {
        var buckets: [UInt64: [TimerKey: any Expirable]] = [:]

        /// The last bucket expired.
        var lastSwept: UInt64 = 0

        /// The sweeping task, while it waits for a deadline.
        var waiter: CheckedContinuation<Void, Never>?
    }

    let tick: Duration
    private let state = Mutex(State())

    init(tick: Duration = .milliseconds(10)) {
        self.tick = tick
        let now = MonotonicInstant.now()
        state.withLock { $0.lastSwept = now.nanoseconds / max(1, tick.nanoseconds) }
    }

    private func bucket(of instant: MonotonicInstant) -> UInt64 {
        instant.nanoseconds / max(1, tick.nanoseconds)
    }

    /// Registers an entry that expires at `deadline` unless cancelled first.
    func schedule(_ entry: any Expirable, at deadline: MonotonicInstant) -> Ticket {
        let wanted = bucket(of: deadline) + 1
        let (ticket, waiter) = state.withLock { state in
            // Never a bucket already swept: the entry would wait forever.
            let bucket = max(wanted, state.lastSwept + 1)
            state.buckets[bucket, default: [:]][entry.timerKey] = entry
            let waiter = state.waiter
            state.waiter = nil
            return (Ticket(bucket: bucket), waiter)
        }
        waiter?.resume()
        return ticket
    }

    /// Returns once a deadline is pending, or the task is cancelled.
    func waitUntilOccupied() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    guard state.buckets.isEmpty, !Task.isCancelled else {
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow {
                    continuation.resume()
                }
            }
        } onCancel: {
            state.withLock { state in
                let waiter = state.waiter
                state.waiter = nil
                return waiter
            }?.resume()
        }
    }

    /// Removes an entry whose outcome arrived before its deadline.
    func cancel(_ entry: any Expirable, ticket: Ticket) {
        state.withLock { state in
            state.buckets[ticket.bucket]?[entry.timerKey] = nil
            if state.buckets[ticket.bucket]?.isEmpty == true {
                state.buckets[ticket.bucket] = nil
            }
        }
    }

    /// Expires every entry whose bucket has passed.
    func sweep(now: MonotonicInstant) {
        let current = bucket(of: now)
        let expired = state.withLock { state -> [any Expirable] in
            guard current > state.lastSwept else {
                return []
            }
            var expired: [any Expirable] = []
            if current - state.lastSwept <= UInt64(state.buckets.count) {
                for bucket in (state.lastSwept + 1)...current {
                    if let entries = state.buckets.removeValue(forKey: bucket) {
                        expired.append(contentsOf: entries.values)
                    }
                }
            } else {
                // After a long wait fewer buckets exist than ticks passed: visit those instead.
                for bucket in state.buckets.keys.filter({ $0 <= current }) {
                    if let entries = state.buckets.removeValue(forKey: bucket) {
                        expired.append(contentsOf: entries.values)
                    }
                }
            }
            state.lastSwept = current
            return expired
        }
        for entry in expired {
            entry.expire(DNAError(.timedOut, "the call got no reply in time"))
        }
    }

    /// The number of pending deadlines, for tests and metrics.
    var pendingCount: Int {
        state.withLock { $0.buckets.values.reduce(0) { $0 + $1.count } }
    }
}
