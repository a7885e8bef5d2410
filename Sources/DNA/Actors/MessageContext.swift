/// What a handler knows about the event it is handling, and what it may ask of the runtime for it.
public struct MessageContext {
    let control: BatchControl
    let index: Int

    /// The name of the actor handling the event.
    public var name: ActorName { control.name }

    /// Whether the event is a call, whose caller waits for the reply.
    public var isCall: Bool { control.kinds.indices.contains(index) && control.kinds[index] == .call }

    /// The fencing epoch of this instance's claim.
    public var epoch: Int64 { control.epoch }

    /// Releases this call's reply as soon as the handler returns, without waiting for the writes staged
    /// before it to become durable.
    ///
    /// Use it for replies that promise nothing about stored state. If the flush then fails, the caller has
    /// already heard back: that is the trade.
    public func releaseReplyBeforeFlush() {
        if control.releaseEarly.indices.contains(index) {
            control.releaseEarly[index] = true
        }
    }

    /// The context of an info event, which has no caller.
    static func info(_ control: BatchControl) -> MessageContext {
        MessageContext(control: control, index: -1)
    }
}

/// The kinds of event a batch holds.
enum EventKind: UInt8 {
    case call
    case cast
    case info
}

/// The per-batch bookkeeping shared by a batch's message contexts, reused from batch to batch.
class BatchControl {
    let name: ActorName
    var epoch: Int64 = 0
    var kinds: [EventKind] = []
    var releaseEarly: [Bool] = []

    init(name: ActorName) {
        self.name = name
    }
}
