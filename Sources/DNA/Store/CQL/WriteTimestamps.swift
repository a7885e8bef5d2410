import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Write timestamps for unfenced flushes: microseconds of the wall clock, strictly rising within the process.
///
/// Cassandra and ScyllaDB resolve two writes of one cell by their timestamps. With the coordinator's clock, two
/// flushes of one actor sent to two coordinators whose clocks differ could land in the wrong order; a timestamp
/// chosen here, and never repeated or lowered, keeps one node's flushes in the order they were made.
final class WriteTimestamps: Sendable {
    private let last = Atomic<Int64>(0)

    func next() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let now = Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000
        while true {
            let previous = last.load(ordering: .relaxed)
            let chosen = max(now, previous + 1)
            if last.compareExchange(expected: previous, desired: chosen, ordering: .relaxed).exchanged {
                return chosen
            }
        }
    }
}
