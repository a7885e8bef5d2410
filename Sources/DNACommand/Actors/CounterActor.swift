import DNA

/// The built-in `counter` actor: a durable running total.
///
/// `{"add": n}` adds `n` and answers `{"value": total}` once the new total is durable; `{"get": {}}` answers
/// `{"value": total}`.
final class CounterActor: DurableActor {
    static let type: ActorType = "counter"

    enum Message: Codable, Sendable {
        case add(Int64)
        case get

        private enum Keys: String, CodingKey {
            case add, get
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            guard container.allKeys.count == 1, let key = container.allKeys.first else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: [], debugDescription: "a counter message has exactly one of add or get")
                )
            }
            switch key {
            case .add:
                self = .add(try container.decode(Int64.self, forKey: .add))
            case .get:
                self = .get
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            switch self {
            case .add(let amount):
                try container.encode(amount, forKey: .add)
            case .get:
                _ = container.nestedContainer(keyedBy: Keys.self, forKey: .get)
            }
        }
    }

    struct Reply: Codable, Sendable {
        var value: Int64
    }

    private let storage: KeyValueStorage
    private var value: Int64

    init(context: ActorContext) async throws {
        storage = context.keyValue("counter")
        value = try await storage.get("value", as: Int64.self) ?? 0
    }

    func receive(_ message: Message, context: MessageContext) async throws -> Reply {
        switch message {
        case .add(let amount):
            let (sum, overflow) = value.addingReportingOverflow(amount)
            guard !overflow else {
                throw DNAError(.badRequest, "the counter would overflow")
            }
            value = sum
            try storage.set("value", to: value)
        case .get:
            break
        }
        return Reply(value: value)
    }
}
