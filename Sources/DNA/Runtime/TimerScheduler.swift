import Synchronization

/// The timers of one incarnation of an actor instance.
///
/// Each timer is a task that sleeps and then delivers an info event through the instance's mailbox. Timers are
/// few, so a task each is cheap enough; they are cancelled when the incarnation ends.
final class TimerScheduler: Sendable {
    private let timers = Mutex<[String: Task<Void, Never>]?>([:])
    private let deliver: @Sendable (InfoEvent) -> Void

    init(deliver: @escaping @Sendable (InfoEvent) -> Void) {
        self.deliver = deliver
    }

    func set(_ label: String, after delay: Duration) {
        // Weak: a cancelled timer's task ends some time after the cancel, and must not keep the scheduler, and
        // through it the instance that delivers the event, alive until then.
        let task = Task { [weak self] in
            guard (try? await Task.sleep(for: delay)) != nil else {
                return
            }
            self?.deliver(.timer(label))
        }
        let replaced = timers.withLock { timers -> Task<Void, Never>? in
            guard timers != nil else {
                task.cancel()
                return nil
            }
            return timers?.updateValue(task, forKey: label)
        }
        replaced?.cancel()
    }

    func cancel(_ label: String) {
        timers.withLock { $0?.removeValue(forKey: label) }?.cancel()
    }

    /// Cancels every timer and refuses new ones.
    func cancelAll() {
        let all = timers.withLock { timers -> [Task<Void, Never>] in
            let all = timers.map { Array($0.values) } ?? []
            timers = nil
            return all
        }
        for task in all {
            task.cancel()
        }
    }
}
