/// A handle to a closure scheduled on an event loop with
/// ``EventLoop/scheduleTask(in:_:)``.
///
/// Cancelling is cheap and idempotent. A task cancelled before its deadline
/// never runs; cancelling a task that already ran does nothing.
public struct ScheduledTask: Sendable {
    let entry: TimerEntry
    let loop: EventLoop

    /// Prevents the task from running if it has not started yet.
    ///
    /// - Important: Callable from any thread. When called off the loop, the
    ///   timer is removed from the loop's heap asynchronously, but it is
    ///   guaranteed not to run after this call returns.
    public func cancel() {
        guard !entry.isCancelled.exchange(true, ordering: .acquiringAndReleasing) else {
            return
        }

        loop.removeTimer(entry)
    }

    /// Whether ``cancel()`` has been called.
    public var isCancelled: Bool {
        entry.isCancelled.load(ordering: .acquiring)
    }
}
