/// The state of one batch while the actor handles it: its messages, where their replies go, and the replies
/// held back by the output gate.
final class BatchRun<Actor: DurableActor>: BatchControl {
    /// One message and what became of its reply.
    struct Entry {
        var message: Actor.Message
        /// Where the reply goes; `nil` for a cast.
        var sink: ReplyTarget<Actor.Reply>?
        var replied: Bool
        var releaseEarly = false
    }

    private(set) var entries: [Entry] = []
    private var unreplied = 0
    private(set) var held: [(sink: ReplyTarget<Actor.Reply>, reply: Actor.Reply)] = []
    let context: ActorContext

    /// Set while the previous batch's flush is in flight: every reply waits for it, staged writes or not.
    private(set) var holdsEveryReply = false

    init(name: ActorName, context: ActorContext) {
        self.context = context
        super.init(name: name)
        self.epoch = context.epoch
    }

    /// Empties the run for the next batch, keeping its storage unless a burst made it large.
    ///
    /// - Parameter behindFlush: Whether a flush of an earlier batch is still in flight.
    func reset(epoch: Int64, behindFlush: Bool) {
        self.epoch = epoch
        holdsEveryReply = behindFlush
        entries.removeAll(keepingCapacity: entries.capacity <= 16384)
        held.removeAll(keepingCapacity: held.capacity <= 16384)
        unreplied = 0
    }

    /// Adds a message to the batch; `sink` is `nil` for a cast.
    func append(_ message: Actor.Message, sink: ReplyTarget<Actor.Reply>?) {
        entries.append(Entry(message: message, sink: sink, replied: sink == nil))
        if sink != nil {
            unreplied += 1
        }
    }

    var isEmpty: Bool { entries.isEmpty }

    override func isCall(at index: Int) -> Bool {
        entries.indices.contains(index) && entries[index].sink != nil
    }

    override func releaseEarly(at index: Int) {
        if entries.indices.contains(index) {
            entries[index].releaseEarly = true
        }
    }

    /// Records a reply: released now when nothing is staged or in flight (or the handler asked), held otherwise.
    func reply(at index: Int, with reply: Actor.Reply) {
        guard entries.indices.contains(index), !entries[index].replied, let sink = entries[index].sink else {
            return
        }
        entries[index].replied = true
        unreplied -= 1
        if entries[index].releaseEarly || !(holdsEveryReply || context.hasStagedWrites) {
            sink.complete(.success(reply))
        } else {
            held.append((sink, reply))
        }
    }

    /// Hands the held replies over to a flush that runs on while the next batch is handled.
    func takeHeld() -> [(sink: ReplyTarget<Actor.Reply>, reply: Actor.Reply)] {
        defer { held.removeAll() }
        return held
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
        guard unreplied > 0 else {
            return
        }
        for index in entries.indices where !entries[index].replied {
            entries[index].replied = true
            entries[index].sink?.complete(.failure(error))
        }
        unreplied = 0
    }

    /// Ends a run of messages: calls without a reply fail, and the next messages start afresh. Held replies
    /// stay held until the batch's flush.
    func clearMessages() {
        if unreplied > 0 {
            failUnreplied(with: DNAError(.internal, "the batch handler of \(name) did not reply to a call"))
        }
        entries.removeAll(keepingCapacity: true)
    }
}
