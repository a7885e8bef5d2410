/// The state of one batch while the actor handles it: its messages, where their replies go, and the replies
/// held back by the output gate.
final class BatchRun<Actor: DurableActor>: BatchControl {
    private(set) var messages: [Actor.Message] = []
    private var sinks: [(any ReplySink<Actor.Reply>)?] = []
    private var replied: [Bool] = []
    private(set) var held: [(sink: any ReplySink<Actor.Reply>, reply: Actor.Reply)] = []
    private let context: ActorContext

    init(name: ActorName, context: ActorContext) {
        self.context = context
        super.init(name: name)
        self.epoch = context.epoch
    }

    /// Adds a message to the batch; `sink` is `nil` for a cast.
    func append(_ message: Actor.Message, sink: (any ReplySink<Actor.Reply>)?) {
        messages.append(message)
        sinks.append(sink)
        replied.append(sink == nil)
        kinds.append(sink == nil ? .cast : .call)
        releaseEarly.append(false)
    }

    var isEmpty: Bool { messages.isEmpty }

    /// Records a reply: released now when nothing is staged (or the handler asked), held otherwise.
    func reply(at index: Int, with reply: Actor.Reply) {
        guard index >= 0, index < sinks.count, !replied[index], let sink = sinks[index] else {
            return
        }
        replied[index] = true
        if releaseEarly[index] || !context.hasStagedWrites {
            sink.complete(.success(reply))
        } else {
            held.append((sink, reply))
        }
    }

    /// Releases the held replies once the batch's writes are durable.
    func releaseHeld() {
        for (sink, reply) in held {
            sink.complete(.success(reply))
        }
        held.removeAll()
    }

    /// Fails every call of the batch that has not heard back: held replies and calls without a reply.
    func failPending(with error: DNAError) {
        for (sink, _) in held {
            sink.complete(.failure(error))
        }
        held.removeAll()
        failUnreplied(with: error)
    }

    /// Fails the calls the actor did not reply to.
    func failUnreplied(with error: DNAError) {
        for index in sinks.indices where !replied[index] {
            replied[index] = true
            sinks[index]?.complete(.failure(error))
        }
    }

    /// Ends a run of messages: calls without a reply fail, and the next messages start afresh. Held replies
    /// stay held until the batch's flush.
    func clearMessages() {
        failUnreplied(with: DNAError(.internal, "the batch handler of \(name) did not reply to a call"))
        messages.removeAll(keepingCapacity: true)
        sinks.removeAll(keepingCapacity: true)
        replied.removeAll(keepingCapacity: true)
        kinds.removeAll(keepingCapacity: true)
        releaseEarly.removeAll(keepingCapacity: true)
    }
}
