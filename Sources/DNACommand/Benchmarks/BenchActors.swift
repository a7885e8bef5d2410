import DNA

/// The actor of the single-actor benchmark: every cast stores one key; a call answers once all before it is
/// durable.
final class BenchWriter: DurableActor {
    static let type: ActorType = "bench.writer"

    enum Message: Codable, Sendable {
        case put(key: String, value: String)
        case sync
    }

    private let storage: KeyValueStorage
    private var puts = 0

    init(context: ActorContext) async throws {
        storage = context.keyValue(Self.module)
    }

    static let module = "kv"

    func receive(_ message: Message, context: MessageContext) async throws -> Int {
        switch message {
        case .put(let key, let value):
            try storage.set(key, to: value)
            puts += 1
        case .sync:
            break
        }
        return puts
    }
}

/// The actor of the calls and activations benchmarks: it loads one value when it starts and answers calls
/// with a counter, writing only when asked to.
final class BenchCounter: DurableActor {
    static let type: ActorType = "bench.counter"

    enum Message: Codable, Sendable {
        case ping
        case add(Int)
    }

    private let storage: KeyValueStorage
    private var value: Int

    init(context: ActorContext) async throws {
        storage = context.keyValue("state")
        value = try await storage.get("value", as: Int.self) ?? 0
    }

    func receive(_ message: Message, context: MessageContext) async throws -> Int {
        switch message {
        case .ping:
            return value
        case .add(let amount):
            value += amount
            try storage.set("value", to: value)
            return value
        }
    }
}

/// The actor of the remote-casts benchmark: it counts the numbers cast to it and checks that they arrive in
/// the order sent (0, 1, 2, ...).
final class BenchSequence: DurableActor {
    static let type: ActorType = "bench.sequence"

    enum Message: Codable, Sendable {
        case next(Int)
        case report
    }

    struct Reply: Codable, Sendable {
        var received: Int
        var inOrder: Bool
    }

    private var received = 0
    private var inOrder = true

    init(context: ActorContext) async throws {}

    func receive(_ message: Message, context: MessageContext) async throws -> Reply {
        switch message {
        case .next(let number):
            inOrder = inOrder && number == received
            received += 1
        case .report:
            break
        }
        return Reply(received: received, inOrder: inOrder)
    }
}

/// The actor types benchmark nodes run, in this process and in `dna serve --bench-actors` children.
enum BenchActorTypes {
    static let all: [any DurableActor.Type] = [BenchWriter.self, BenchCounter.self, BenchSequence.self]
}
