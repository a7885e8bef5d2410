/// The stream ids of one connection: which are free, which wait for a response, which were given up on.
///
/// A value type with no I/O, driven by the connection under its lock. The lowest free id is handed out first,
/// so that a lightly used connection keeps to small ids. An id whose request timed out is *orphaned*: it stays
/// taken until the late response arrives, so that a late response can never be mistaken for the answer to a
/// newer request.
struct StreamIDPool {
    /// How many ids may be in use at once (at most 32,768, the positive half of a 16-bit stream id).
    let capacity: Int

    /// One bit per id: set while the id is taken (waiting or orphaned).
    private var taken: [UInt64]
    private var orphaned: Set<Int16> = []
    private(set) var inUse = 0

    init(capacity: Int) {
        self.capacity = min(max(1, capacity), 32_768)
        taken = Array(repeating: 0, count: (self.capacity + 63) / 64)
    }

    /// Ids that wait for a response a caller still expects.
    var waiting: Int { inUse - orphaned.count }

    /// Ids held by requests that timed out and whose responses never came.
    var orphanCount: Int { orphaned.count }

    /// Takes the lowest free id, or returns `nil` when all are taken.
    mutating func allocate() -> Int16? {
        for (word, bits) in taken.enumerated() where bits != .max {
            let bit = (~bits).trailingZeroBitCount
            let id = word * 64 + bit
            guard id < capacity else {
                return nil
            }
            taken[word] |= 1 << UInt64(bit)
            inUse += 1
            return Int16(id)
        }
        return nil
    }

    /// Marks an id whose caller stopped waiting; it stays taken until ``release(_:)``.
    mutating func orphan(_ id: Int16) {
        guard isTaken(id) else {
            return
        }
        orphaned.insert(id)
    }

    /// Frees an id when its response arrived (or its connection closed).
    ///
    /// - Returns: Whether the id was taken; `false` for a response on a stream nobody used.
    @discardableResult
    mutating func release(_ id: Int16) -> Bool {
        guard isTaken(id) else {
            return false
        }
        let index = Int(id)
        taken[index / 64] &= ~(1 << UInt64(index % 64))
        orphaned.remove(id)
        inUse -= 1
        return true
    }

    /// Whether `id` is waiting for a response nobody expects any more.
    func isOrphaned(_ id: Int16) -> Bool {
        orphaned.contains(id)
    }

    func isTaken(_ id: Int16) -> Bool {
        guard id >= 0, Int(id) < capacity else {
            return false
        }
        let index = Int(id)
        return taken[index / 64] & (1 << UInt64(index % 64)) != 0
    }
}
