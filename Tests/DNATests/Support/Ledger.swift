import DNA

/// The test actor: a running total, keyed entries and an in-memory record of the order it saw messages in.
///
/// It tells its ``Probe`` (found by its key) when it starts and stops, and waits at the probe's gate when told.
final class Ledger: DurableActor {
    static let type: ActorType = "test.ledger"

    enum Message: Codable, Sendable, Equatable {
        /// Adds to the total and stages it; replies with the new total.
        case add(Int)
        /// As `add`, but releases the reply without waiting for the flush.
        case addEarly(Int)
        /// Adds to the total and stages it, then throws.
        case addThenFail(Int)
        /// Adds to the total and stages it, then waits at the probe's handler gate.
        case addAndWait(Int)
        /// Waits at the probe's handler gate, then throws.
        case waitThenFail
        /// Replies with the total held in memory.
        case total
        /// Stages an entry.
        case put(String, Int)
        /// Stages an entry of raw bytes of the given size.
        case putBytes(String, count: Int)
        /// Stages the deletion of an entry.
        case remove(String)
        /// Reads an entry.
        case read(String)
        /// Stages an entry and reads it back in the same handler.
        case putAndRead(String, Int)
        /// Lists entries by prefix.
        case list(prefix: String, after: String?, limit: Int)
        /// Records a number in memory and stages it, so that order is checked across flushes.
        case record(Int)
        /// Replies with the numbers recorded since the instance started.
        case recorded
    }

    enum Reply: Codable, Sendable, Hashable {
        case done
        case total(Int)
        case value(Int?)
        case page(keys: [String], next: String?)
        case recorded([Int])
    }

    /// The error the failing messages throw.
    struct Failure: Error {}

    private let state: KeyValueStorage
    private let entries: KeyValueStorage
    private let probe: Probe?
    private var total: Int
    private var recorded: [Int] = []

    init(context: ActorContext) async throws {
        state = context.keyValue("state")
        entries = context.keyValue("entries")
        total = try await state.get("total", as: Int.self) ?? 0
        probe = Probe.find(context.name.key)
        probe?.initialisations.increment()
        await probe?.initGate?.wait()
    }

    func receive(_ message: Message, context: MessageContext) async throws -> Reply {
        let reply = try await handle(message, context: context)
        probe?.handled.increment()
        return reply
    }

    private func handle(_ message: Message, context: MessageContext) async throws -> Reply {
        switch message {
        case .add(let amount):
            return try add(amount)
        case .addEarly(let amount):
            context.releaseReplyBeforeFlush()
            return try add(amount)
        case .addThenFail(let amount):
            _ = try add(amount)
            throw Failure()
        case .addAndWait(let amount):
            let reply = try add(amount)
            probe?.waitingHandlers.increment()
            await probe?.handlerGate.wait()
            return reply
        case .waitThenFail:
            probe?.waitingHandlers.increment()
            await probe?.handlerGate.wait()
            throw Failure()
        case .total:
            return .total(total)
        case .put(let key, let value):
            try entries.set(key, to: value)
            return .done
        case .putBytes(let key, let count):
            try entries.setBytes(key, to: [UInt8](repeating: 7, count: count))
            return .done
        case .remove(let key):
            try entries.delete(key)
            return .done
        case .read(let key):
            return .value(try await entries.get(key, as: Int.self))
        case .putAndRead(let key, let value):
            try entries.set(key, to: value)
            return .value(try await entries.get(key, as: Int.self))
        case .list(let prefix, let after, let limit):
            let page = try await entries.list(prefix: prefix, after: after, limit: limit, as: [UInt8].self)
            return .page(keys: page.map(\.key), next: page.nextCursor)
        case .record(let number):
            recorded.append(number)
            try state.set("last", to: number)
            return .done
        case .recorded:
            return .recorded(recorded)
        }
    }

    func willStop() async {
        probe?.stops.increment()
    }

    private func add(_ amount: Int) throws -> Reply {
        total += amount
        try state.set("total", to: total)
        return .total(total)
    }
}
