import Synchronization

/// A store that keeps everything in the process's memory, for unit tests and benchmarks.
///
/// It honours the whole store contract, including fencing, but nothing survives the process.
public final class MemoryStore: Store {
    private struct DirectoryRow {
        var owner: NodeID?
        var epoch: Int64
    }

    private struct ItemKey: Hashable {
        var module: String
        var key: String
    }

    private struct State {
        var members: [String: [NodeID: MemberRecord]] = [:]
        var directory: [ActorName: DirectoryRow] = [:]
        var items: [ActorName: [ItemKey: [UInt8]]] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    public var description: String { "memory" }

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
            return state.items[name]?[ItemKey(module: module, key: key)]
        }
    }

    public func list(_ name: ActorName, module: String, query: ListQuery) async throws -> [StoredItem] {
        let matching = try state.withLock { state in
            try Self.checkOpen(state)
            return state.items[name, default: [:]].compactMap { entry in
                entry.key.module == module && query.contains(entry.key.key)
                    ? StoredItem(key: entry.key.key, value: entry.value) : nil
            }
        }
        return Array(matching.sorted { KeyOrder.less($0.key, $1.key) }.prefix(query.limit))
    }

    public func mutate(_ name: ActorName, fence: Ownership, writes: [StoredWrite]) async throws {
        try state.withLock { state in
            try Self.checkOpen(state)
            guard let row = state.directory[name], row.owner == fence.node, row.epoch == fence.epoch else {
                throw DNAError(.fenced, "\(name) is no longer owned by \(fence)")
            }
            Self.apply(writes, to: &state.items[name, default: [:]])
        }
    }

    private static func apply(_ writes: [StoredWrite], to items: inout [ItemKey: [UInt8]]) {
        items.reserveCapacity(items.count + writes.count)
        for write in writes {
            items[ItemKey(module: write.module, key: write.key)] = write.value
        }
    }

    private static func checkOpen(_ state: State) throws {
        if state.closed {
            throw DNAError(.storeUnavailable, "the memory store is closed")
        }
    }
}
