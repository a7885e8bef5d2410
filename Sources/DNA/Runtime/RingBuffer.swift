/// A growable first-in, first-out queue over a circular array.
///
/// Appending and removing at either end are O(1) amortised; the standard library has no deque and no outside
/// package can be used. The capacity is a power of two so that wrapping around is a mask, not a division.
struct RingBuffer<Element> {
    private var storage: [Element?] = []
    // 32-bit positions keep the buffer, inlined in every instance's mailbox, at 16 bytes.
    private var headIndex: UInt32 = 0
    private var storedCount: UInt32 = 0

    var count: Int { Int(storedCount) }

    private var head: Int {
        get { Int(headIndex) }
        set { headIndex = UInt32(truncatingIfNeeded: newValue) }
    }

    var isEmpty: Bool { count == 0 }

    /// The number of elements the buffer holds before it must grow.
    var capacity: Int { storage.count }

    /// The capacity of a buffer's first storage.
    static var initialCapacity: Int { 4 }

    mutating func append(_ element: Element) {
        if count == storage.count {
            grow()
        }
        storage[(head &+ count) & (storage.count &- 1)] = element
        storedCount += 1
    }

    mutating func popFirst() -> Element? {
        guard count > 0 else {
            return nil
        }
        let element = storage[head].take()
        head = (head &+ 1) & (storage.count &- 1)
        storedCount -= 1
        return element
    }

    /// Moves up to `limit` elements from the front of this buffer into the empty buffer `other`, in order.
    ///
    /// When everything fits, the two buffers trade places, which costs nothing however long the queue is: the
    /// mailbox uses it to hand a whole batch to the runner while holding its lock, and the runner gives the
    /// drained buffer back for the next batch so that neither side allocates.
    mutating func move(upTo limit: Int, into other: inout RingBuffer) {
        precondition(other.isEmpty, "the receiving buffer must be empty")
        if count <= limit {
            swap(&self, &other)
            return
        }
        for _ in 0..<limit {
            if let element = popFirst() {
                other.append(element)
            }
        }
    }

    /// Removes every element, in order.
    mutating func removeAll() -> [Element] {
        var result: [Element] = []
        result.reserveCapacity(count)
        while let element = popFirst() {
            result.append(element)
        }
        return result
    }

    private mutating func grow() {
        guard count > 0 else {
            // An idle instance let go of its buffer: the first event of the next batch makes a small one.
            storage = Array(repeating: nil, count: Swift.max(Self.initialCapacity, storage.count * 2))
            head = 0
            return
        }
        let newCapacity = Swift.max(Self.initialCapacity, storage.count * 2)
        var grown: [Element?] = []
        grown.reserveCapacity(newCapacity)
        for offset in 0..<count {
            grown.append(storage[(head &+ offset) & (storage.count &- 1)].take())
        }
        grown.append(contentsOf: repeatElement(nil, count: newCapacity - count))
        storage = grown
        head = 0
    }
}

extension RingBuffer: Sendable where Element: Sendable {}
