import Synchronization

/// The services shared by a node's partitions and actor instances.
final class NodeRuntime: Sendable {
    /// Whether the node takes new work.
    enum Phase: Sendable {
        case serving
        case draining
        case stopped
    }

    let configuration: Node.Configuration
    let store: any Store
    let logger: Logger
    let metrics = NodeMetrics()
    let timeouts = TimeoutWheel()
    let partitions: [Partition]
    let membership: Membership
    let placement: Placement
    let types: ActorTypeRegistry
    private let phase = Mutex(Phase.serving)

    init(configuration: Node.Configuration, store: any Store, types: ActorTypeRegistry, membership: Membership) {
        self.configuration = configuration
        self.store = store
        self.logger = configuration.logger.child(label: "dna.node", metadata: ["node.id": "\(membership.nodeID)"])
        self.types = types
        self.membership = membership
        self.placement = Placement(store: store, membership: membership, configuration: configuration)
        self.partitions = (0..<max(1, configuration.partitions)).map { Partition(index: $0) }
    }

    var nodeID: NodeID { membership.nodeID }

    var currentPhase: Phase {
        phase.withLock { $0 }
    }

    /// Moves to `next` unless the node is already further along. Returns the phase before.
    @discardableResult
    func advance(to next: Phase) -> Phase {
        phase.withLock { phase in
            let previous = phase
            switch (phase, next) {
            case (.serving, _), (.draining, .stopped):
                phase = next
            default:
                break
            }
            return previous
        }
    }

    func partition(for name: ActorName) -> Partition {
        partitions[Int(UInt(bitPattern: name.hashValue) % UInt(partitions.count))]
    }

    /// The accepting local instance of `name`, created when needed.
    ///
    /// - Throws: ``DNAError/Code/unknownActorType`` when `Actor` is not registered, ``DNAError/Code/draining``
    ///   when the node takes no new work.
    func instance<Actor: DurableActor>(
        for name: ActorName,
        as type: Actor.Type
    ) throws -> (instance: ActorInstance<Actor>, created: Bool) {
        try types.check(type)
        guard currentPhase == .serving else {
            throw DNAError(.draining, "the node is \(currentPhase == .draining ? "draining" : "stopped")")
        }
        return try partition(for: name).instance(for: name) { predecessor in
            ActorInstance<Actor>(name: name, runtime: self, predecessor: predecessor)
        }
    }

    func deregister(_ instance: any AnyInstance) {
        partition(for: instance.name).remove(instance)
    }

    /// Every registered instance.
    func allInstances() -> [any AnyInstance] {
        partitions.flatMap { $0.instances() }
    }

    var residentCount: Int {
        partitions.reduce(0) { $0 + $1.count }
    }
}
