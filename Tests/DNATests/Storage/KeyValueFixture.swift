@testable import DNA

/// A key-value module over a memory store that the fixture claimed, with helpers to make writes durable.
struct KeyValueFixture {
    let store = MemoryStore()
    let name = ActorName(type: "test.kv", key: "fixture")
    let owner: Ownership
    let storage: KeyValueStorage

    init(limits: StorageLimits = .standard) async throws {
        owner = try await store.claim(name, for: .make())
        storage = KeyValueStorage(
            name: name,
            module: "items",
            scope: StorageScope(store: store, limits: limits, cacheLimit: 100)
        )
    }

    /// Flushes what the module staged, as the runtime does at the end of a batch.
    func flush() async throws {
        var writes: [StoredWrite] = []
        storage.beginFlush(into: &writes)
        try await store.mutate(name, fence: owner, writes: writes)
        storage.didFlush()
    }

    /// Makes `keys` durable with their index as value.
    func seed(_ keys: [String]) async throws {
        for (index, key) in keys.enumerated() {
            try storage.set(key, to: index)
        }
        try await flush()
    }

    /// The value the store holds for `key`.
    func durable(_ key: String) async throws -> Int? {
        try await store.get(name, module: "items", key: key).map { try BinaryDecoder().decode(Int.self, from: $0) }
    }

    /// The keys of a prefix listing.
    func keys(prefix: String = "", after: String? = nil, limit: Int = 100) async throws -> [String] {
        try await storage.list(prefix: prefix, after: after, limit: limit, as: Int.self).map(\.key)
    }
}
