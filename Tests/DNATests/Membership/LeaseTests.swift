import Testing

@testable import DNA

@Suite("Lease")
struct LeaseTests {
    private static let timeout: Duration = .seconds(2)

    private static func at(_ millis: UInt64) -> MonotonicInstant {
        MonotonicInstant(nanoseconds: 1_000_000_000_000 + millis * 1_000_000)
    }

    @Test("a new lease is not valid until the first accepted heartbeat grants it")
    func grantedByFirstHeartbeat() {
        let lease = Lease(timeout: Self.timeout)
        #expect(!lease.isValid(at: Self.at(0)))
        #expect(lease.expiresAt == nil)

        #expect(lease.renew(startedAt: Self.at(0), completedAt: Self.at(5)))
        #expect(lease.isValid(at: Self.at(1_999)))
        #expect(!lease.isValid(at: Self.at(2_000)), "the lease runs from the start of the write, not its end")
        #expect(lease.expiresAt == Self.at(2_000))
    }

    @Test("each renewal extends the lease from the start of its write; an older write never shortens it")
    func renewals() {
        let lease = Lease(timeout: Self.timeout)
        lease.renew(startedAt: Self.at(0), completedAt: Self.at(1))
        #expect(lease.renew(startedAt: Self.at(500), completedAt: Self.at(600)))
        #expect(lease.expiresAt == Self.at(2_500))

        // Writes may be acknowledged out of order: the later start wins.
        #expect(lease.renew(startedAt: Self.at(300), completedAt: Self.at(700)))
        #expect(lease.expiresAt == Self.at(2_500))
    }

    @Test("a write acknowledged after the lease ran out does not revive it")
    func noRevivalAfterExpiry() {
        let lease = Lease(timeout: Self.timeout)
        lease.renew(startedAt: Self.at(0), completedAt: Self.at(1))

        // The process stalled past its lease, then a heartbeat went through before the watchdog fenced it. Peers
        // may have taken its names meanwhile: the node must fence and rejoin, not serve on under this identity.
        #expect(!lease.renew(startedAt: Self.at(2_100), completedAt: Self.at(2_110)))
        #expect(!lease.isValid(at: Self.at(2_200)))

        // The same holds for a write that began in time but was acknowledged too late.
        let slow = Lease(timeout: Self.timeout)
        slow.renew(startedAt: Self.at(0), completedAt: Self.at(1))
        #expect(!slow.renew(startedAt: Self.at(1_900), completedAt: Self.at(2_000)))
        #expect(!slow.isValid(at: Self.at(2_001)))
    }

    @Test("a revoked lease is invalid at once and is granted again by the next heartbeat")
    func revoke() {
        let lease = Lease(timeout: Self.timeout)
        lease.renew(startedAt: Self.at(0), completedAt: Self.at(1))
        lease.revoke()
        #expect(!lease.isValid(at: Self.at(10)))
        #expect(lease.expiresAt == nil)

        #expect(lease.renew(startedAt: Self.at(5_000), completedAt: Self.at(5_010)))
        #expect(lease.isValid(at: Self.at(6_999)))
        #expect(!lease.isValid(at: Self.at(7_000)))
    }

    @Test("a lease that ran out cannot be renewed under the same identity")
    func runOut() {
        let lease = Lease(timeout: Self.timeout)
        lease.renew(startedAt: Self.at(0), completedAt: Self.at(1))
        lease.runOut()
        #expect(!lease.isValid(at: Self.at(10)))
        #expect(!lease.renew(startedAt: Self.at(20), completedAt: Self.at(30)))
        #expect(!lease.isValid(at: Self.at(40)))
    }

    @Test("a grant from a write slower than the whole lease leaves it invalid")
    func writeSlowerThanLease() {
        let lease = Lease(timeout: Self.timeout)
        #expect(!lease.renew(startedAt: Self.at(0), completedAt: Self.at(2_500)))
        #expect(!lease.isValid(at: Self.at(2_500)))
    }
}
