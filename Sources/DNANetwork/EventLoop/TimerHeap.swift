import Synchronization

/// One pending timer of an event loop.
///
/// `sequence` and `heapIndex` belong to the loop thread; `isCancelled` may be set from any
/// thread so that a cancelled timer never runs, even while its removal from
/// the heap is still on its way to the loop.
final class TimerEntry: @unchecked Sendable {
    // @unchecked: `sequence` and `heapIndex` are used only on the owning loop's thread; the rest is immutable or atomic.
    let deadline: MonotonicTime
    var sequence: UInt64 = 0
    let body: @Sendable () -> Void
    let isCancelled = Atomic<Bool>(false)
    var heapIndex = -1

    init(deadline: MonotonicTime, body: @escaping @Sendable () -> Void) {
        self.deadline = deadline
        self.body = body
    }

    /// Timers fire by deadline; equal deadlines fire in the order scheduled.
    func firesBefore(_ other: TimerEntry) -> Bool {
        if deadline != other.deadline {
            return deadline < other.deadline
        }
        return sequence < other.sequence
    }
}

/// A binary min-heap of timers that supports removal from the middle.
///
/// - Important: Confined to the loop thread that owns it.
struct TimerHeap {
    private var entries: [TimerEntry] = []

    var count: Int {
        entries.count
    }

    var earliest: TimerEntry? {
        entries.first
    }

    mutating func insert(_ entry: TimerEntry) {
        entry.heapIndex = entries.count
        entries.append(entry)

        siftUp(entries.count - 1)
    }

    /// Removes `entry` if it is still in the heap; a no-op otherwise.
    mutating func remove(_ entry: TimerEntry) {
        let index = entry.heapIndex
        guard index >= 0, index < entries.count, entries[index] === entry else {
            return
        }

        swapAt(index, entries.count - 1)
        entries.removeLast()
        entry.heapIndex = -1

        if index < entries.count {
            siftDown(index)
            siftUp(index)
        }
    }

    /// Removes and returns the earliest timer if its deadline is not after `now`.
    mutating func popExpired(now: MonotonicTime) -> TimerEntry? {
        guard let first = entries.first, first.deadline <= now else {
            return nil
        }

        remove(first)
        return first
    }

    mutating func removeAll() -> [TimerEntry] {
        let all = entries
        entries = []

        for entry in all {
            entry.heapIndex = -1
        }
        return all
    }

    private mutating func swapAt(_ first: Int, _ second: Int) {
        guard first != second else {
            return
        }

        entries.swapAt(first, second)
        entries[first].heapIndex = first
        entries[second].heapIndex = second
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].firesBefore(entries[parent]) else {
                return
            }

            swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent

            if left < entries.count, entries[left].firesBefore(entries[smallest]) {
                smallest = left
            }
            if right < entries.count, entries[right].firesBefore(entries[smallest]) {
                smallest = right
            }

            guard smallest != parent else {
                return
            }
            swapAt(parent, smallest)
            parent = smallest
        }
    }
}
