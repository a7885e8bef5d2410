/// A storage module that keeps keyed values for one actor.
///
/// Writes are staged in memory and flushed, with the writes of the actor's other modules, in one atomic unit
/// when the current batch ends; a caller's reply waits until then. Reads see the writes staged before them,
/// lists merge staged writes into what the store holds, and values read from the store are cached.
///
/// Keys are ordered by their UTF-8 bytes. Values are `Codable` (encoded with ``BinaryEncoder``; a `String`
/// is stored as its UTF-8 bytes) or raw bytes.
///
/// - Important: Use a module only from its own actor's handlers, like the actor's other state.
public final class KeyValueStorage: StorageModule {
    let moduleName: String
    private let name: ActorName
    private let scope: StorageScope

    /// Whether the module's name is within the limits; when it is not, every operation throws.
    private let nameIsValid: Bool

    /// Durable values read from the store, and keys known to be absent.
    private var cache = ReadCache()

    /// Writes of the current batch, not yet taken by a flush; `nil` stages a delete.
    private var staged: [String: [UInt8]?] = [:]

    /// Writes of the flush in flight, while the next batch already runs; `nil` is a delete.
    private var flushing: [String: [UInt8]?] = [:]

    init(name: ActorName, module: String, scope: StorageScope) {
        self.name = name
        self.moduleName = module
        self.scope = scope
        self.nameIsValid = (try? scope.limits.check(module: module)) != nil
    }

    private var store: any KeyValueStore { scope.store }

    private var limits: StorageLimits { scope.limits }

    /// Throws the limit error when the module's name is too long.
    private func checkName() throws {
        if !nameIsValid {
            try limits.check(module: moduleName)
        }
    }

    private func check(key: String) throws {
        try checkName()
        try limits.check(key: key)
    }

    // MARK: Reading

    /// Reads a value.
    ///
    /// - Returns: The value staged or stored under `key`, or `nil` when there is none.
    /// - Throws: ``DNAError`` with code ``DNAError/Code/decodingFailed`` when the stored bytes are not a `Value`,
    ///   or ``DNAError/Code/storeUnavailable`` when the store cannot be read.
    public func get<Value: Decodable>(_ key: String, as type: Value.Type = Value.self) async throws -> Value? {
        guard let bytes = try await getBytes(key) else {
            return nil
        }
        return try Self.decode(type, from: bytes, key: key)
    }

    /// Reads a value's raw bytes.
    public func getBytes(_ key: String) async throws -> [UInt8]? {
        try check(key: key)
        if let pending = staged[key] {
            return pending
        }
        if let pending = flushing[key] {
            return pending
        }
        if let cached = cache.lookup(key) {
            return cached
        }
        let stored = try await store.get(name, module: moduleName, key: key)
        remember(key, stored)
        return stored
    }

    /// Lists the items whose keys start with `prefix`, in key order.
    ///
    /// - Parameters:
    ///   - prefix: The common start of the keys; the empty string lists everything.
    ///   - after: The ``KeyValuePage/nextCursor`` of the previous page, to resume after it.
    ///   - limit: The most items to return.
    ///   - type: The type of the values.
    public func list<Value: Decodable>(
        prefix: String = "",
        after: String? = nil,
        limit: Int = 100,
        as type: Value.Type = Value.self
    ) async throws -> KeyValuePage<Value> {
        try await list(ListQuery.prefix(prefix, after: after, limit: limit), as: type)
    }

    /// Lists the items with keys in `[lowerBound, upperBound)`, in key order.
    public func list<Value: Decodable>(
        from lowerBound: String?,
        to upperBound: String?,
        after: String? = nil,
        limit: Int = 100,
        as type: Value.Type = Value.self
    ) async throws -> KeyValuePage<Value> {
        try await list(ListQuery(lowerBound: lowerBound, upperBound: upperBound, after: after, limit: limit), as: type)
    }

    private func list<Value: Decodable>(_ query: ListQuery, as type: Value.Type) async throws -> KeyValuePage<Value> {
        let raw = try await listBytes(query)
        let items = try raw.items.map {
            KeyValueItem(key: $0.key, value: try Self.decode(type, from: $0.value, key: $0.key))
        }
        return KeyValuePage(items: items, nextCursor: raw.nextCursor)
    }

    /// Lists raw values, merging the staged writes into a page of the store.
    func listBytes(_ query: ListQuery) async throws -> KeyValuePage<[UInt8]> {
        try checkName()
        guard query.limit > 0 else {
            return KeyValuePage(items: [], nextCursor: nil)
        }
        var pending = flushing.filter { query.contains($0.key) }
        for (key, value) in staged where query.contains(key) {
            pending[key] = value
        }

        // Staged deletes may hide stored items, so ask for that many more to still fill the page.
        var storeQuery = query
        storeQuery.limit = query.limit + pending.count
        let stored = try await store.list(name, module: moduleName, query: storeQuery)

        var merged: [String: [UInt8]] = [:]
        for item in stored {
            merged[item.key] = item.value
        }
        for (key, value) in pending {
            merged[key] = value
        }
        let sorted = merged.sorted { KeyOrder.less($0.key, $1.key) }
        let page = sorted.prefix(query.limit).map { KeyValueItem(key: $0.key, value: $0.value) }

        // There may be more when this page is full or the store had more than it returned.
        let more = sorted.count > query.limit || stored.count == storeQuery.limit
        return KeyValuePage(items: page, nextCursor: more ? page.last?.key : nil)
    }

    /// Loads every item whose key starts with `prefix` into the read cache, so later reads need no store access.
    public func preload(prefix: String = "") async throws {
        try checkName()
        var cursor: String?
        repeat {
            let page = try await store.list(
                name,
                module: moduleName,
                query: .prefix(prefix, after: cursor, limit: 1000)
            )
            for item in page {
                remember(item.key, item.value)
            }
            cursor = page.count == 1000 ? page.last?.key : nil
        } while cursor != nil
    }

    // MARK: Writing

    /// Stages a value under `key`; it is flushed when the current batch ends.
    ///
    /// - Throws: ``DNAError`` with code ``DNAError/Code/limitExceeded`` when the key or the encoded value is too
    ///   large, ``DNAError/Code/decodingFailed`` when the value cannot be encoded.
    public func set<Value: Encodable>(_ key: String, to value: Value) throws {
        let bytes: [UInt8]
        do {
            bytes = try BinaryEncoder().encode(value)
        } catch {
            throw DNAError(
                .decodingFailed,
                "the value for a key of module \(moduleName) cannot be encoded",
                underlying: error
            )
        }
        try setBytes(key, to: bytes)
    }

    /// Stages raw bytes under `key`.
    public func setBytes(_ key: String, to bytes: [UInt8]) throws {
        try check(key: key)
        try limits.check(value: bytes)
        staged[key] = .some(bytes)
    }

    /// Stages the deletion of `key`.
    public func delete(_ key: String) throws {
        try check(key: key)
        staged[key] = .some(nil)
    }

    // MARK: StorageModule

    var hasStagedWrites: Bool { !staged.isEmpty }

    func beginFlush(into writes: inout [StoredWrite]) {
        writes.reserveCapacity(writes.count + staged.count)
        for (key, value) in staged {
            writes.append(StoredWrite(module: moduleName, key: key, value: value))
        }
        // Swapping keeps both dictionaries' storage for reuse: the flushing set is empty between flushes.
        swap(&staged, &flushing)
    }

    func didFlush() {
        // Only keys already cached are updated: caching every write would hold all an actor ever wrote.
        if !cache.isEmpty {
            for (key, value) in flushing {
                cache.updateIfCached(key, value)
            }
        }
        flushing.removeAll(keepingCapacity: flushing.count <= 16384)
    }

    func discardStaged() {
        staged.removeAll()
        flushing.removeAll()
    }

    // MARK: Helpers

    private func remember(_ key: String, _ value: [UInt8]?) {
        cache.remember(key, value, limit: scope.cacheLimit)
    }

    private static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8], key: String) throws -> Value {
        do {
            return try BinaryDecoder().decode(type, from: bytes)
        } catch {
            throw DNAError(.decodingFailed, "a stored value is not a \(Value.self)", underlying: error)
        }
    }
}

/// One item of a ``KeyValuePage``.
public struct KeyValueItem<Value> {
    /// The item's key.
    public var key: String

    /// The item's value.
    public var value: Value
}

extension KeyValueItem: Sendable where Value: Sendable {}

/// A page of items listed in key order, with the cursor of the next page.
public struct KeyValuePage<Value>: RandomAccessCollection {
    /// The items of this page.
    public var items: [KeyValueItem<Value>]

    /// Pass this as `after:` to read the next page; `nil` when there is nothing after this page.
    public var nextCursor: String?

    public var startIndex: Int { items.startIndex }
    public var endIndex: Int { items.endIndex }

    public subscript(position: Int) -> KeyValueItem<Value> {
        items[position]
    }
}

extension KeyValuePage: Sendable where Value: Sendable {}
