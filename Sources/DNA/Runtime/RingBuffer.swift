/// A growable first-in, first-out queue over a circular array.
///
/// Appending and removing at either end are O(1) amortised; the standard library has no deque and no outside
/// package can be used.
struct RingBuffer<Element> {
    private var storage: [Element?] = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ element: Element) {
        if count == storage.count {
            grow()
        }
        storage[(head + count) % storage.count] = element
        count += 1
    }

    mutating func popFirst() -> Element? {
        guard count > 0 else {
            return nil
        }
        let element = storage[head].take()
        head = (head + 1) % storage.count
        count -= 1
        return element
    }

    /// Removes up to `limit` elements from the front, in order.
    mutating func removeFirst(upTo limit: Int) -> [Element] {
        let taken = Swift.min(limit, count)
        var result: [Element] = []
        result.reserveCapacity(taken)
        for _ in 0..<taken {
            if let element = popFirst() {
                result.append(element)
            }
        }
        if count == 0 && storage.count > 1024 {
            // A burst grew the queue; give the memory back once it is drained.
            self = RingBuffer()
        }
        return result
    }

    /// Removes every element, in order.
    mutating func removeAll() -> [Element] {
        removeFirst(upTo: count)
    }

    private mutating func grow() {
        let newCapacity = Swift.max(4, storage.count * 2)
        var grown: [Element?] = []
        grown.reserveCapacity(newCapacity)
        for offset in 0..<count {
            grown.append(storage[(head + offset) % storage.count])
        }
        grown.append(contentsOf: repeatElement(nil, count: newCapacity - count))
        storage = grown
        head = 0
    }
}
