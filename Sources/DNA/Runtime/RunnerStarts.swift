#if canImport(Glibc)
import Glibc
#endif

/// Gathers the runner tasks that instances would start while an event-loop thread hands a burst of forwarded
/// casts to their mailboxes, and starts each once when the burst ends.
///
/// A runner that works off its mailbox faster than casts arrive goes idle between them; without gathering,
/// every cast of a burst would start a task and wake a thread of the cooperative pool. The gathering is per
/// thread (a thread-local list), so it affects only the loop thread that opened it.
enum RunnerStarts {
    /// The runner starts put off on this thread.
    private final class Pending {
        var starts: [() -> Void] = []
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        // The value is released by `startDeferred()`; a thread that exits mid-burst leaks one small list.
        pthread_key_create(&key, nil)
        return key
    }()

    /// From now until ``startDeferred()`` on this thread, runner starts are put off.
    static func beginDeferring() {
        guard pthread_getspecific(key) == nil else {
            return
        }
        pthread_setspecific(key, Unmanaged.passRetained(Pending()).toOpaque())
    }

    /// Puts off `start` if this thread is gathering. Returns whether it did.
    ///
    /// A closure rather than the instance: made where the actor type is known, it runs the runner code
    /// specialised for that type, which a call through ``AnyInstance`` would not.
    static func deferStart(_ start: @escaping () -> Void) -> Bool {
        guard let raw = pthread_getspecific(key) else {
            return false
        }
        Unmanaged<Pending>.fromOpaque(raw).takeUnretainedValue().starts.append(start)
        return true
    }

    /// Ends the gathering on this thread and starts the runners put off, each once.
    static func startDeferred() {
        guard let raw = pthread_getspecific(key) else {
            return
        }
        pthread_setspecific(key, nil)
        let pending = Unmanaged<Pending>.fromOpaque(raw).takeRetainedValue()
        for start in pending.starts {
            start()
        }
    }
}
