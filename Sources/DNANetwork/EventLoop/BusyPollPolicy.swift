/// When an event loop polls for events before it sleeps.
///
/// A loop that has just sent a request or a reply is in a conversation: polling a little before sleeping
/// lets the answer, or the next request, find it awake, which saves a thread wake-up (costly on another core,
/// and more so in a virtual machine). Loops that only stream one-way messages, or wait for timers, never
/// poll. After a poll that found nothing the loop does not poll again for ``backoffFactor`` times the poll's
/// length, doubled for every further poll in a row that finds nothing (up to 64 times) and reset by a poll
/// that finds something: polls that pay off go on, and polls that do not take at most a twentieth of a core,
/// soon much less.
struct BusyPollPolicy {
    /// How long one poll lasts, in nanoseconds; zero never polls.
    let nanoseconds: UInt64

    private var lastMiss: UInt64?
    private var backoff: UInt64 = 0

    static var backoffFactor: UInt64 { 20 }

    init(nanoseconds: UInt64) {
        self.nanoseconds = nanoseconds
    }

    /// Whether to poll before a sleep that may last `timeout` nanoseconds (`-1`: unbounded).
    ///
    /// - Parameters:
    ///   - timeout: The sleep's bound; zero means the loop does not sleep at all.
    ///   - answerExpected: Whether the loop sent a request or reply since it last looked.
    ///   - now: Reads the clock, only when the answer depends on it.
    func shouldPoll(timeout: Int64, answerExpected: Bool, now: () -> UInt64) -> Bool {
        guard timeout != 0, nanoseconds > 0, answerExpected else {
            return false
        }
        guard let lastMiss else {
            return true
        }
        return now() &- lastMiss >= backoff
    }

    /// Records a poll that ended at `now` without an event or a job.
    mutating func recordMiss(at now: UInt64) {
        let base = nanoseconds &* Self.backoffFactor
        backoff = lastMiss == nil ? base : min(backoff &* 2, base &* 64)
        lastMiss = now
    }

    /// Records a poll that found an event or a job.
    mutating func recordHit() {
        lastMiss = nil
    }
}
