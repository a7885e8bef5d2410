/// What a handler knows about the event it is handling, and what it may ask of the runtime for it.
public struct MessageContext {
    let control: BatchControl
    let index: Int

    /// The name of the actor handling the event.
    public var name: ActorName { control.name }

    /// Whether the event is a call, whose caller waits for the reply.
    public var isCall: Bool { control.isCall(at: index) }

    /// The fencing epoch of this instance's claim.
    public var epoch: Int64 { control.epoch }

    /// Releases this call's reply as soon as the handler returns, without waiting for the writes staged
    /// before it to become durable.
    ///
    /// Use it for replies that promise nothing about stored state. If the flush then fails, the caller has
    /// already heard back: that is the trade.
    public func releaseReplyBeforeFlush() {
        control.releaseEarly(at: index)
    }

    /// The context of an info event, which has no caller.
    static func info(_ control: BatchControl) -> MessageContext {
        MessageContext(control: control, index: -1)
    }
}

/// What a message context may ask of its batch, whatever the actor type; ``BatchRun`` implements it.
class BatchControl {
    let name: ActorName
    var epoch: Int64 = 0

    init(name: ActorName) {
        self.name = name
    }

    /// Whether the message at `index` is a call. Out-of-range indices (info events) are not.
    func isCall(at index: Int) -> Bool { false }

    /// Marks the reply of the call at `index` for release without waiting for the flush.
    func releaseEarly(at index: Int) {}
}
