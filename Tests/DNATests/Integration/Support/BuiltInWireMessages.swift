@testable import DNA

/// The built-in kv actor's message as `dna` declares it, so that a raw peer can encode one for the wire.
enum KeyValueWireMessage: Codable {
    case put(key: String, value: JSONValue)
    case get(key: String)
    case delete(key: String)
    case list(prefix: String?, limit: Int?, after: String?)
}

/// The built-in counter actor's `get`, as it is encoded for the wire.
struct CounterGetWireMessage: Encodable {
    private enum Keys: String, CodingKey {
        case get
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        _ = container.nestedContainer(keyedBy: Keys.self, forKey: .get)
    }
}

extension ClusterMessage {
    /// A forwarded call of `message` to `type/key` on the node `target`.
    static func call(_ message: some Encodable, to type: ActorType, key: String, on target: NodeID) throws -> [UInt8] {
        ClusterMessage(
            kind: .call,
            hops: 0,
            target: target,
            timeout: .seconds(10),
            name: ActorName(type: type, key: key),
            body: try BinaryEncoder().encode(message)
        ).encoded()
    }
}
