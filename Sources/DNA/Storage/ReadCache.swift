/// The durable values a storage module has read, including the keys it knows to be absent.
///
/// Most actors keep their state under one or two keys, so the first entry is held inline: a hash table for
/// it would cost more than the rest of an idle actor. The table is made once a second key is cached.
struct ReadCache {
    private enum Entries {
        case empty
        case one(key: String, value: [UInt8]?)
        case many([String: [UInt8]?])
    }

    private var entries = Entries.empty

    var isEmpty: Bool {
        if case .empty = entries {
            return true
        }
        return false
    }

    /// The cached value of `key`: `nil` when nothing is cached, `.some(nil)` when the key is known absent.
    func lookup(_ key: String) -> [UInt8]?? {
        switch entries {
        case .empty:
            return nil
        case .one(let cached, let value):
            return cached == key ? .some(value) : nil
        case .many(let table):
            return table[key]
        }
    }

    /// Caches `value` under `key`; a cache already holding `limit` keys is emptied first.
    mutating func remember(_ key: String, _ value: [UInt8]?, limit: Int) {
        switch entries {
        case .empty:
            entries = .one(key: key, value: value)
        case .one(let cached, let old):
            if cached == key || limit <= 1 {
                entries = .one(key: key, value: value)
            } else {
                entries = .many([cached: old, key: value])
            }
        case .many(var table):
            entries = .empty
            if table.count >= limit, table[key] == nil {
                table.removeAll()
            }
            table[key] = .some(value)
            entries = .many(table)
        }
    }

    /// Replaces the cached value of `key` when the key is cached; leaves other keys uncached.
    mutating func updateIfCached(_ key: String, _ value: [UInt8]?) {
        switch entries {
        case .empty:
            return
        case .one(let cached, _):
            if cached == key {
                entries = .one(key: key, value: value)
            }
        case .many(var table):
            guard table[key] != nil else {
                return
            }
            entries = .empty
            table[key] = .some(value)
            entries = .many(table)
        }
    }
}
