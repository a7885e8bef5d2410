import Synchronization

/// The local instance a handle reached last, so that repeated calls and casts through one handle skip the
/// registry lookup.
///
/// A cached instance that has begun stopping refuses events; the handle then resolves the name again.
final class InstanceCache<Actor: DurableActor>: Sendable {
    private let instance = Mutex<ActorInstance<Actor>?>(nil)

    var current: ActorInstance<Actor>? {
        instance.withLock { $0 }
    }

    func remember(_ resolved: ActorInstance<Actor>) {
        instance.withLock { $0 = resolved }
    }
}
