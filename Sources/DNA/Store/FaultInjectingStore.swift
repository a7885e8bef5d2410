import Synchronization

/// A store that passes every call to another one, except while it is told to fail: then every call fails with
/// ``DNAError/Code/storeUnavailable``, as if the database had become unreachable.
///
/// For fault drills and tests: a node on it that cannot renew its heartbeat loses its lease, stops serving and
/// rejoins under a new identity once the store works again. ``close()`` is passed on unless the wrapper was made
/// to share its store with other nodes of the same process.
public final class FaultInjectingStore: Store {
    private let base: any Store
    private let closesBase: Bool
    private let failing = Atomic<Bool>(false)

    /// Wraps `base`.
    ///
    /// - Parameters:
    ///   - base: The store that does the work.
    ///   - closesBase: Whether ``close()`` closes `base`; `false` when several nodes of one process share it.
    public init(_ base: any Store, closesBase: Bool = true) {
        self.base = base
        self.closesBase = closesBase
    }

    /// Whether every call fails now.
    public var isFailing: Bool {
        get { failing.load(ordering: .relaxed) }
        set { failing.store(newValue, ordering: .relaxed) }
    }

    public var description: String { base.description }

    public var prefersSortedWrites: Bool { base.prefersSortedWrites }

    public var claimsAreCheap: Bool { base.claimsAreCheap }

    public func close() async {
        if closesBase {
            await base.close()
        }
    }

    private func check() throws {
        if isFailing {
            throw DNAError(.storeUnavailable, "the store is failing on purpose (fault injection)")
        }
    }

    public func upsertMember(_ member: MemberRecord) async throws {
        try check()
        try await base.upsertMember(member)
    }

    public func listMembers(cluster: String) async throws -> [MemberRecord] {
        try check()
        return try await base.listMembers(cluster: cluster)
    }

    public func deleteMember(cluster: String, node: NodeID) async throws {
        try check()
        try await base.deleteMember(cluster: cluster, node: node)
    }

    public func owner(of name: ActorName) async throws -> Ownership? {
        try check()
        return try await base.owner(of: name)
    }

    public func claim(_ name: ActorName, for node: NodeID) async throws -> Ownership {
        try check()
        return try await base.claim(name, for: node)
    }

    public func reclaim(_ name: ActorName, from previous: NodeID, to node: NodeID) async throws -> Ownership? {
        try check()
        return try await base.reclaim(name, from: previous, to: node)
    }

    public func release(_ name: ActorName, owner node: NodeID) async throws -> Bool {
        try check()
        return try await base.release(name, owner: node)
    }

    public func get(_ name: ActorName, module: String, key: String) async throws -> [UInt8]? {
        try check()
        return try await base.get(name, module: module, key: key)
    }

    public func list(_ name: ActorName, module: String, query: ListQuery) async throws -> [StoredItem] {
        try check()
        return try await base.list(name, module: module, query: query)
    }

    public func mutate(_ name: ActorName, fence: Ownership, writes: [StoredWrite]) async throws {
        try check()
        try await base.mutate(name, fence: fence, writes: writes)
    }
}
