import Synchronization

/// One slice of the node's actor names (by hash): the registry of their local instances.
///
/// The registry makes activation single-flight on the node: there is at most one accepting instance per name,
/// and a new one is created only when the old one stopped or is stopping (it then waits for its predecessor).
final class Partition: Sendable {
    let index: Int
    private let registry = Mutex(InstanceTable<any AnyInstance> { $0.name })

    init(index: Int) {
        self.index = index
    }

    /// The accepting instance of `name`, or a new one made by `make` (given the stopping predecessor, if any).
    ///
    /// - Returns: The instance and whether it was created by this call, in which case the caller holds its run
    ///   token and must run it or start a runner.
    /// - Throws: ``DNAError/Code/unknownActorType`` when an instance of another Swift type holds the name.
    func instance<Actor: DurableActor>(
        for name: ActorName,
        make: (_ predecessor: (any AnyInstance)?) -> ActorInstance<Actor>
    ) throws -> (instance: ActorInstance<Actor>, created: Bool) {
        try registry.withLock { registry in
            let existing = registry[name]
            if let existing, existing.isAcceptingEvents {
                guard let typed = existing as? ActorInstance<Actor> else {
                    throw DNAError(.unknownActorType, "\(name) runs as another Swift type than \(Actor.self)")
                }
                return (typed, false)
            }
            let predecessor = existing.flatMap { $0.isStopped ? nil : $0 }
            let created = make(predecessor)
            registry.insert(created)
            return (created, true)
        }
    }

    /// The registered instance of `name` if it accepts events.
    func existing(_ name: ActorName) -> (any AnyInstance)? {
        registry.withLock { registry in
            guard let instance = registry[name], instance.isAcceptingEvents else {
                return nil
            }
            return instance
        }
    }

    /// Removes `instance` if it is still the registered instance of its name.
    func remove(_ instance: any AnyInstance) {
        registry.withLock { registry in
            if let current = registry[instance.name], current === instance {
                registry.remove(instance.name)
            }
        }
    }

    /// The registered instances.
    func instances() -> [any AnyInstance] {
        registry.withLock { $0.instances }
    }

    /// How many instances are registered.
    var count: Int {
        registry.withLock { $0.count }
    }
}
