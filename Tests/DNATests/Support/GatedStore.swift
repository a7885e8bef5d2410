import Synchronization

@testable import DNA

/// A memory store whose flushes the test controls: it can hold each flush until the test lets it go, and fail
/// flushes on demand.
///
/// Everything but `mutate` goes straight to the wrapped ``MemoryStore``, which tests read to see what is durable.
final class GatedStore: Store {
    private struct State {
        var holding = false
        var held: [CheckedContinuation<Void, Never>] = []
        var failuresLeft = 0
        var failingForever = false
    }

    /// The store that keeps the data.
    let base = MemoryStore()

    /// Flushes that reached the store, counted once they are held (when holding).
    let flushes = EventCounter()

    private let state = Mutex(State())

    var description: String { "gated-memory" }

    /// Holds every flush from now on until ``release()``.
    func hold() {
        state.withLock { $0.holding = true }
    }

    /// Lets every held flush go on, and stops holding new ones.
    func release() {
        let held = state.withLock { state in
            state.holding = false
            defer { state.held.removeAll() }
            return state.held
        }
        for flush in held {
            flush.resume()
        }
    }

    /// Lets the oldest held flush go on; later flushes are still held.
    func releaseOne() {
        let flush = state.withLock { $0.held.isEmpty ? nil : $0.held.removeFirst() }
        flush?.resume()
    }

    /// Makes the next `count` flushes fail with ``DNAError/Code/storeUnavailable``.
    func failNext(_ count: Int) {
        state.withLock { $0.failuresLeft = count }
    }

    /// Makes every flush fail, or none.
    func failAlways(_ failing: Bool) {
        state.withLock { $0.failingForever = failing }
    }

    func mutate(_ name: ActorName, fence: Ownership, writes: [StoredWrite]) async throws {
        await withCheckedContinuation { continuation in
            // Registered before counting, so that a test that saw the count can release this flush.
            let isHeld = state.withLock { state in
                if state.holding {
                    state.held.append(continuation)
                }
                return state.holding
            }
            flushes.increment()
            if !isHeld {
                continuation.resume()
            }
        }
        let fails = state.withLock { state in
            if state.failingForever {
                return true
            }
            guard state.failuresLeft > 0 else {
                return false
            }
            state.failuresLeft -= 1
            return true
        }
        if fails {
            throw DNAError(.storeUnavailable, "the gated store was told to fail this flush")
        }
        try await base.mutate(name, fence: fence, writes: writes)
    }

    func close() async {
        release()
        await base.close()
    }

    func upsertMember(_ member: MemberRecord) async throws { try await base.upsertMember(member) }

    func listMembers(cluster: String) async throws -> [MemberRecord] { try await base.listMembers(cluster: cluster) }

    func deleteMember(cluster: String, node: NodeID) async throws {
        try await base.deleteMember(cluster: cluster, node: node)
    }

    func owner(of name: ActorName) async throws -> Ownership? { try await base.owner(of: name) }

    func claim(_ name: ActorName, for node: NodeID) async throws -> Ownership {
        try await base.claim(name, for: node)
    }

    func reclaim(_ name: ActorName, from previous: NodeID, to node: NodeID) async throws -> Ownership? {
        try await base.reclaim(name, from: previous, to: node)
    }

    func release(_ name: ActorName, owner node: NodeID) async throws -> Bool {
        try await base.release(name, owner: node)
    }

    func get(_ name: ActorName, module: String, key: String) async throws -> [UInt8]? {
        try await base.get(name, module: module, key: key)
    }

    func list(_ name: ActorName, module: String, query: ListQuery) async throws -> [StoredItem] {
        try await base.list(name, module: module, query: query)
    }
}
