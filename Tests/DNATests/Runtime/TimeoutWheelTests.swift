import Synchronization
import Testing

@testable import DNA

@Suite("The timeout wheel", .timeLimit(.minutes(1)))
struct TimeoutWheelTests {
    final class Entry: Expirable {
        let timerKey = TimerKey()
        let expired = Atomic<Int>(0)

        func expire(_ error: DNAError) {
            expired.add(1, ordering: .relaxed)
        }
    }

    private static func instant(_ milliseconds: UInt64, after start: MonotonicInstant) -> MonotonicInstant {
        MonotonicInstant(nanoseconds: start.nanoseconds + milliseconds * 1_000_000)
    }

    @Test("a deadline expires at the first sweep past it, once; a cancelled one never")
    func expiresOnce() {
        let start = MonotonicInstant.now()
        let wheel = TimeoutWheel(tick: .milliseconds(10))
        let due = Entry()
        let cancelled = Entry()
        _ = wheel.schedule(due, at: Self.instant(50, after: start))
        let ticket = wheel.schedule(cancelled, at: Self.instant(50, after: start))
        wheel.cancel(cancelled, ticket: ticket)

        wheel.sweep(now: Self.instant(30, after: start))
        #expect(due.expired.load(ordering: .relaxed) == 0)
        wheel.sweep(now: Self.instant(80, after: start))
        wheel.sweep(now: Self.instant(200, after: start))
        #expect(due.expired.load(ordering: .relaxed) == 1)
        #expect(cancelled.expired.load(ordering: .relaxed) == 0)
        #expect(wheel.pendingCount == 0)
    }

    @Test("a sweep after hours of quiet expires what is due and keeps what is not")
    func longQuiet() {
        let start = MonotonicInstant.now()
        let wheel = TimeoutWheel(tick: .milliseconds(10))
        let due = Entry()
        let later = Entry()
        _ = wheel.schedule(due, at: Self.instant(3_600_000, after: start))
        _ = wheel.schedule(later, at: Self.instant(3 * 3_600_000, after: start))

        wheel.sweep(now: Self.instant(2 * 3_600_000, after: start))
        #expect(due.expired.load(ordering: .relaxed) == 1)
        #expect(later.expired.load(ordering: .relaxed) == 0)
        #expect(wheel.pendingCount == 1)
    }

    @Test("the sweeper's wait ends when a deadline is scheduled, or when its task is cancelled")
    func waitEnds() async {
        let wheel = TimeoutWheel()
        let waiting = Task { await wheel.waitUntilOccupied() }
        _ = wheel.schedule(Entry(), at: .now())
        await waiting.value
        // With a deadline pending the wait returns at once.
        await wheel.waitUntilOccupied()

        let empty = TimeoutWheel()
        let cancelled = Task { await empty.waitUntilOccupied() }
        cancelled.cancel()
        await cancelled.value
    }
}
