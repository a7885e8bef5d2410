/// The instances of one partition by name: a hash table with open addressing and linear probing.
///
/// Each slot is one reference to an instance, and a name is read from its instance. A `Dictionary` keyed by
/// name would hold every name a second time and cost an idle actor about four times as much.
struct InstanceTable<Entry> {
    private var slots: [Entry?] = []
    private let nameOf: (Entry) -> ActorName
    /// 64 minus the base-2 logarithm of the slot count: a home slot is the top bits of the scrambled hash.
    private var shift: UInt64 = 64
    private(set) var count = 0

    /// Creates an empty table whose entries are named by `name`.
    init(name: @escaping (Entry) -> ActorName) {
        self.nameOf = name
    }

    /// The instance registered under `name`.
    subscript(name: ActorName) -> Entry? {
        guard let index = index(of: name) else {
            return nil
        }
        return slots[index]
    }

    /// The registered instances, in no particular order.
    var instances: [Entry] {
        slots.compactMap { $0 }
    }

    /// Registers `instance` under its name, replacing the instance registered under it before.
    mutating func insert(_ instance: Entry) {
        if let index = index(of: nameOf(instance)) {
            slots[index] = instance
            return
        }
        if (count + 1) * 4 > slots.count * 3 {
            grow()
        }
        place(instance)
        count += 1
    }

    /// Removes the instance registered under `name`.
    mutating func remove(_ name: ActorName) {
        guard var hole = index(of: name) else {
            return
        }
        slots[hole] = nil
        count -= 1

        // Shift back the entries that follow in the same run, so that lookups never stop at the hole early.
        let mask = slots.count - 1
        var next = (hole + 1) & mask
        while let entry = slots[next] {
            let home = home(of: nameOf(entry))
            if Self.isCyclically(home, outside: hole, next) {
                slots[hole] = entry
                slots[next] = nil
                hole = next
            }
            next = (next + 1) & mask
        }
    }

    private func index(of name: ActorName) -> Int? {
        guard !slots.isEmpty else {
            return nil
        }
        let mask = slots.count - 1
        var index = home(of: name)
        while let entry = slots[index] {
            if nameOf(entry) == name {
                return index
            }
            index = (index + 1) & mask
        }
        return nil
    }

    private mutating func place(_ instance: Entry) {
        let mask = slots.count - 1
        var index = home(of: nameOf(instance))
        while slots[index] != nil {
            index = (index + 1) & mask
        }
        slots[index] = instance
    }

    /// The slot where the search for `name` starts.
    ///
    /// The partition is picked by the low bits of the same hash, so all names of one table share them: the
    /// table takes the high bits of the hash multiplied by an odd constant (Fibonacci hashing) instead.
    private func home(of name: ActorName) -> Int {
        let scrambled = UInt64(UInt(bitPattern: name.hashValue)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: scrambled >> shift)
    }

    private mutating func grow() {
        let old = slots
        let capacity = max(16, old.count * 2)
        slots = Array(repeating: nil, count: capacity)
        shift = 64 - UInt64(capacity.trailingZeroBitCount)
        for case let instance? in old {
            place(instance)
        }
    }

    /// Whether `home` lies outside the cyclic interval `(hole, next]`: then the entry at `next` may move to `hole`.
    private static func isCyclically(_ home: Int, outside hole: Int, _ next: Int) -> Bool {
        if hole <= next {
            return home <= hole || home > next
        }
        return home <= hole && home > next
    }
}
