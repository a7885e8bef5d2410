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
/// one tick late, which is fine for call timeouts.
final class TimeoutWheel: Sendable {
    /// Where an entry went, needed to cancel it.
    struct Ticket: Sendable {
        fileprivate let bucket: UInt64
    }

    private struct State {
        var buckets: [UInt64: [TimerKey: any Expirable]] = [:]

        /// The last bucket expired.
        var lastSwept: UInt64 = 0
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
        return state.withLock { state in
            // Never a bucket already swept: the entry would wait forever.
            let bucket = max(wanted, state.lastSwept + 1)
            state.buckets[bucket, default: [:]][entry.timerKey] = entry
            return Ticket(bucket: bucket)
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
            for bucket in (state.lastSwept + 1)...current {
                if let entries = state.buckets.removeValue(forKey: bucket) {
                    expired.append(contentsOf: entries.values)
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
