import Synchronization

/// This node's lease: it may serve actors until `leaseTimeout` after the start of its last heartbeat write that
/// the store accepted before the lease ran out.
///
/// Peers declare the node dead only `leaseTimeout + deadMargin` after they last saw its heartbeat change, which
/// is never earlier than the write that renewed the lease, so the node stops serving before anyone may take its
/// names over. The expiry is an atomic so that the serving path checks it without a lock.
final class Lease: Sendable {
    let timeout: Duration
    private let expiry = Atomic<UInt64>(0)

    init(timeout: Duration) {
        self.timeout = timeout
    }

    /// Records a heartbeat write that began at `started` and that the store acknowledged at `completed`.
    ///
    /// A lease that ran out before `completed` stays expired: peers may have judged the node dead meanwhile and
    /// taken its names over, so the node must fence itself and rejoin under a new identity, not serve on. A
    /// lease not granted yet (new, or revoked) is granted.
    ///
    /// - Returns: Whether the lease is valid at `completed`.
    @discardableResult
    func renew(startedAt started: MonotonicInstant, completedAt completed: MonotonicInstant) -> Bool {
        let candidate = (started + timeout).nanoseconds
        var current = expiry.load(ordering: .relaxed)
        while true {
            if current != 0, completed.nanoseconds >= current {
                return false
            }
            if current >= candidate {
                return true
            }
            let (exchanged, original) = expiry.compareExchange(
                expected: current,
                desired: candidate,
                ordering: .relaxed
            )
            if exchanged {
                return completed.nanoseconds < candidate
            }
            current = original
        }
    }

    /// Makes the lease run out now, as if its time had passed (a stall of the process): unlike ``revoke()``, no
    /// heartbeat of this identity can renew it; the node must fence itself and rejoin.
    func runOut() {
        expiry.store(1, ordering: .relaxed)
    }

    /// Ends the lease at once: the node serves nothing until the next renewal.
    func revoke() {
        expiry.store(0, ordering: .relaxed)
    }

    /// Whether the lease is valid at `now`.
    func isValid(at now: MonotonicInstant) -> Bool {
        now.nanoseconds < expiry.load(ordering: .relaxed)
    }

    /// Whether the lease is valid now, read on the coarse monotonic clock: it is checked on every call, and a
    /// few milliseconds of imprecision are far inside the dead margin peers wait beyond the lease.
    func isValid() -> Bool {
        isValid(at: .coarseNow())
    }

    /// When the lease ends, if it is valid.
    var expiresAt: MonotonicInstant? {
        let nanos = expiry.load(ordering: .relaxed)
        return nanos == 0 ? nil : MonotonicInstant(nanoseconds: nanos)
    }
}
