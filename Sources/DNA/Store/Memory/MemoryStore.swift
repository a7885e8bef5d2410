import Synchronization

/// A store that keeps everything in the process's memory, for unit tests and benchmarks.
///
/// It honours the whole store contract, including fencing, but nothing survives the process. A flush appends
/// its writes to the actor's log of unread batches, which the next read of that actor folds into the index: a
/// flush costs no hashing, so benchmarks on this store measure the runtime rather than the store.
public final class MemoryStore: Store {
    private struct DirectoryRow {
        var owner: NodeID?
        var epoch: Int64
    }

    private struct State {
        var members: [String: [NodeID: MemberRecord]] = [:]
        var directory: [ActorName: DirectoryRow] = [:]
        /// Items by actor, then module, then key.
        var items: [ActorName: [String: [String: [UInt8]]]] = [:]
        /// The sorted keys of each actor's modules, built by a list and dropped by the next write to the actor.
        var sortedKeys: [ActorName: [String: [String]]] = [:]
        /// Flushed batches of writes not yet folded into `items`, oldest first.
        var unfolded: [ActorName: [[StoredWrite]]] = [:]
        var closed = false

        /// Folds the unread flushed batches of `name` into the index.
        mutating func fold(_ name: ActorName) {
            guard let batches = unfolded.removeValue(forKey: name) else {
                return
            }
            sortedKeys[name] = nil
            MemoryStore.apply(batches, to: &items[name, default: [:]])
        }
    }

    private let state = Mutex(State())

    /// How many unread flushed batches an actor may have before a flush folds them.
    private static let foldAfterBatches = 1024

    /// Creates an empty store.
    public init() {}

    public var description: String { "memory" }

    public var claimsAreCheap: Bool { true }

    public func close() async {
        state.withLock { $0.closed = true }
    }

    public func upsertMember(_ member: MemberRecord) async throws {
        try state.withLock { state in
            try Self.checkOpen(state)
            state.members[member.cluster, default: [:]][member.node] = member
        }
    }

    public func listMembers(cluster: String) async throws -> [MemberRecord] {
        try state.withLock { state in
            try Self.checkOpen(state)
            return Array(state.members[cluster, default: [:]].values)
        }
    }

    public func deleteMember(cluster: String, node: NodeID) async throws {
        try state.withLock { state in
            try Self.checkOpen(state)
            state.members[cluster]?[node] = nil
        }
    }

    public func owner(of name: ActorName) async throws -> Ownership? {
        try state.withLock { state in
            try Self.checkOpen(state)
            return state.directory[name].flatMap { row in row.owner.map { Ownership(node: $0, epoch: row.epoch) } }
        }
    }

    public func claim(_ name: ActorName, for node: NodeID) async throws -> Ownership {
        try state.withLock { state in
            try Self.checkOpen(state)
            var row = state.directory[name] ?? DirectoryRow(owner: nil, epoch: 0)
            if let owner = row.owner {
                return Ownership(node: owner, epoch: row.epoch)
            }
            row = DirectoryRow(owner: node, epoch: row.epoch + 1)
            state.directory[name] = row
            return Ownership(node: node, epoch: row.epoch)
        }
    }

    public func reclaim(_ name: ActorName, from previous: NodeID, to node: NodeID) async throws -> Ownership? {
        try state.withLock { state in
            try Self.checkOpen(state)
            guard var row = state.directory[name], let owner = row.owner else {
                return nil
            }
            if owner == previous {
                row = DirectoryRow(owner: node, epoch: row.epoch + 1)
                state.directory[name] = row
            }
            return row.owner.map { Ownership(node: $0, epoch: row.epoch) }
        }
    }

    public func release(_ name: ActorName, owner node: NodeID) async throws -> Bool {
        try state.withLock { state in
            try Self.checkOpen(state)
            guard state.directory[name]?.owner == node else {
                return false
            }
            state.directory[name]?.owner = nil
            return true
        }
    }

    public func get(_ name: ActorName, module: String, key: String) async throws -> [UInt8]? {
        try state.withLock { state in
            try Self.checkOpen(state)
            state.fold(name)
            return state.items[name]?[module]?[key]
        }
    }

    public func list(_ name: ActorName, module: String, query: ListQuery) async throws -> [StoredItem] {
        try state.withLock { state in
            try Self.checkOpen(state)
            state.fold(name)
            let items = state.items[name]?[module] ?? [:]
            let keys = Self.sortedKeys(of: name, module: module, in: &state)
            var start = Self.firstIndex(in: keys) { !KeyOrder.less($0, query.lowerBound ?? "") }
            if let after = query.after {
                start = max(start, Self.firstIndex(in: keys) { KeyOrder.less(after, $0) })
            }
            var result: [StoredItem] = []
            var index = start
            while index < keys.count, result.count < query.limit, query.contains(keys[index]) {
                if let value = items[keys[index]] {
                    result.append(StoredItem(key: keys[index], value: value))
                }
                index += 1
            }
            return result
        }
    }

    private static func sortedKeys(of name: ActorName, module: String, in state: inout State) -> [String] {
        if let cached = state.sortedKeys[name]?[module] {
            return cached
        }
        let sorted = (state.items[name]?[module] ?? [:]).keys.sorted(by: KeyOrder.less)
        state.sortedKeys[name, default: [:]][module] = sorted
        return sorted
    }

    /// The first index of a sorted array at which `isAtOrAfter` holds (it must be false, then true).
    private static func firstIndex(in keys: [String], where isAtOrAfter: (String) -> Bool) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if isAtOrAfter(keys[middle]) {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return low
    }

    public func mutate(_ name: ActorName, fence: Ownership, writes: [StoredWrite]) async throws {
        try state.withLock { state in
            try Self.checkOpen(state)
            guard let row = state.directory[name], row.owner == fence.node, row.epoch == fence.epoch else {
                throw DNAError(.fenced, "\(name) is no longer owned by \(fence)")
            }
            state.unfolded[name, default: []].append(writes)
            if state.unfolded[name]?.count ?? 0 > Self.foldAfterBatches {
                // An actor that only writes would otherwise keep every overwritten value.
                state.fold(name)
            }
        }
    }

    fileprivate static func apply(_ batches: [[StoredWrite]], to modules: inout [String: [String: [UInt8]]]) {
        for writes in batches {
            for write in writes {
                modules[write.module, default: [:]][write.key] = write.value
            }
        }
    }

    private static func checkOpen(_ state: State) throws {
        if state.closed {
            throw DNAError(.storeUnavailable, "the memory store is closed")
        }
    }
}
