/// Why an instance stops.
enum StopReason: Sendable, Equatable {
    /// Idle too long or evicted by the resident bound; the claim is kept.
    case passivate

    /// The node is draining: finish queued work, stop, and release the claim.
    case release

    /// The node is shutting down: stop without handing over.
    case shutdown

    /// The node lost its lease: stop at once, failing queued events and dropping staged writes.
    case fence
}

/// What partitions and the node need of an instance, whatever its actor type.
protocol AnyInstance: AnyObject, Sendable {
    var name: ActorName { get }

    /// The services of the node the instance runs on.
    var runtime: NodeRuntime { get }

    /// Queues an info event for the actor.
    func info(_ event: InfoEvent)

    /// Whether new events are still accepted: not stopping and not stopped.
    var isAcceptingEvents: Bool { get }

    /// Whether the instance has stopped for good.
    var isStopped: Bool { get }

    /// When the instance last finished a batch, if it is idle.
    var idleSince: MonotonicInstant? { get }

    /// Events waiting in the mailbox.
    var queuedEvents: Int { get }

    /// Passivates the instance if it has been idle since before `cutoff`. Returns whether it did.
    func passivateIfIdle(since cutoff: MonotonicInstant) async -> Bool

    /// Finishes the queued events, then stops for `reason`; for ``StopReason/fence``, fails them instead.
    func stop(_ reason: StopReason) async

    /// Returns once the instance has stopped.
    func waitUntilStopped() async

}
