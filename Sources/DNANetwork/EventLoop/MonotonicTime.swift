import Glibc

/// Nanoseconds on the monotonic clock, the time base of event-loop timers.
///
/// Timers compare plain integers in the loop's hot path; `ContinuousClock`
/// would do as well but costs more per reading.
struct MonotonicTime: Comparable, Hashable, Sendable {
    var nanoseconds: UInt64

    static func now() -> MonotonicTime {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return MonotonicTime(nanoseconds: UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec))
    }

    static func < (lhs: MonotonicTime, rhs: MonotonicTime) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    func advanced(by duration: Duration) -> MonotonicTime {
        MonotonicTime(nanoseconds: nanoseconds &+ duration.clampedNanoseconds)
    }

    /// The time from `self` until `later`, zero if `later` is not later.
    func nanoseconds(until later: MonotonicTime) -> UInt64 {
        later.nanoseconds > nanoseconds ? later.nanoseconds - nanoseconds : 0
    }
}

extension Duration {
    /// The duration in whole nanoseconds; negative durations count as zero,
    /// and absurdly long ones are capped at about 290 years.
    var clampedNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else {
            return 0
        }
        guard seconds < 9_000_000_000 else {
            return UInt64(9_000_000_000) * 1_000_000_000
        }
        return UInt64(seconds) * 1_000_000_000 + UInt64(max(attoseconds, 0) / 1_000_000_000)
    }
}
