/// The calls and casts of one batch, in arrival order, for ``DurableActor/receive(batch:)``.
public struct MessageBatch<Actor: DurableActor>: RandomAccessCollection {
    let run: BatchRun<Actor>

    public var startIndex: Int { 0 }
    public var endIndex: Int { run.messages.count }

    public subscript(position: Int) -> Envelope<Actor> {
        Envelope(message: run.messages[position], context: MessageContext(control: run, index: position))
    }

    /// Records the reply to a call. Replies to casts are ignored.
    ///
    /// The reply is released at once when nothing was staged before it (or its context released it early),
    /// and otherwise when the batch's writes are durable.
    public func reply(to envelope: Envelope<Actor>, with reply: Actor.Reply) {
        run.reply(at: envelope.context.index, with: reply)
    }
}

/// One message of a batch and its context.
public struct Envelope<Actor: DurableActor> {
    /// The message.
    public let message: Actor.Message

    /// The message's context.
    public let context: MessageContext
}
