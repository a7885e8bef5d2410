import DNA

/// The built-in `kv` actor: a durable map from string keys to JSON values, listed in key order.
///
/// - `{"put": {"key": k, "value": v}}` → `{"ok": true}`
/// - `{"get": {"key": k}}` → `{"value": v}` (`null` when absent)
/// - `{"delete": {"key": k}}` → `{"ok": true}`
/// - `{"list": {"prefix": p, "limit": n, "after": cursor}}` → `{"items": [{"key": k, "value": v}, ...]}`, with
///   every field optional (the whole map, 100 items, from the start)
final class KeyValueActor: DurableActor {
    static let type: ActorType = "kv"

    enum Message: Codable, Sendable {
        case put(key: String, value: JSONValue)
        case get(key: String)
        case delete(key: String)
        case list(prefix: String?, limit: Int?, after: String?)
    }

    enum Reply: Codable, Sendable {
        case ok
        case value(JSONValue?)
        case items([Item])

        struct Item: Codable, Sendable {
            var key: String
            var value: JSONValue
        }

        private enum Keys: String, CodingKey {
            case ok, value, items
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            if container.contains(.ok) {
                self = .ok
            } else if container.contains(.items) {
                self = .items(try container.decode([Item].self, forKey: .items))
            } else {
                self = .value(try container.decodeIfPresent(JSONValue.self, forKey: .value))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            switch self {
            case .ok:
                try container.encode(true, forKey: .ok)
            case .value(let value?):
                try container.encode(value, forKey: .value)
            case .value(nil):
                try container.encodeNil(forKey: .value)
            case .items(let items):
                try container.encode(items, forKey: .items)
            }
        }
    }

    /// The most items one `list` returns.
    static let maximumListLimit = 1_000

    private let storage: KeyValueStorage

    init(context: ActorContext) async throws {
        storage = context.keyValue("kv")
    }

    func receive(_ message: Message, context: MessageContext) async throws -> Reply {
        switch message {
        case .put(let key, let value):
            try storage.setBytes(key, to: try value.serialized())
            return .ok
        case .get(let key):
            return .value(try await storage.getBytes(key).map { try JSONValue.parse($0) })
        case .delete(let key):
            try storage.delete(key)
            return .ok
        case .list(let prefix, let limit, let after):
            let limit = min(max(limit ?? 100, 0), Self.maximumListLimit)
            let page = try await storage.list(prefix: prefix ?? "", after: after, limit: limit, as: [UInt8].self)
            return .items(try page.map { Reply.Item(key: $0.key, value: try JSONValue.parse($0.value)) })
        }
    }
}
