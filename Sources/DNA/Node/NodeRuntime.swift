import Synchronization

/// The services shared by a node's partitions and actor instances.
final class NodeRuntime: Sendable {
    /// Whether the node takes new work.
    enum Phase: Sendable {
        /// Serving every actor it owns and claiming new names.
        case serving
        /// The lease ran out: no actor is served until the node rejoins under a new identity.
        case fenced
        /// Handing its actors over before it leaves: no new claims.
        case draining
        /// Stopped for good.
        case stopped
    }

    let configuration: Node.Configuration
    let store: any Store
    /// The node's logger, with its current identity in the metadata (it changes when the node rejoins).
    var logger: Logger {
        loggerSlot.withLock { $0 }
    }
    private let loggerSlot: Mutex<Logger>
    let metrics = NodeMetrics()
    let timeouts = TimeoutWheel()
    let partitions: [Partition]
    let membership: Membership
    /// The membership's lease, kept here because every call checks it.
    let lease: Lease
    let types: ActorTypeRegistry
    let directory = DirectoryCache()
    let storageScope: StorageScope
    let castQueues = CastQueues()
    let castShortcut = CastShortcut()
    let pendingAnswers = PendingAnswers()
    private let phase = Mutex(Phase.serving)
    private let linkSlot = Mutex<ClusterLink?>(nil)

    init(configuration: Node.Configuration, store: any Store, types: ActorTypeRegistry, membership: Membership) {
        self.configuration = configuration
        self.store = store
        self.storageScope = StorageScope(
            store: store,
            limits: configuration.storageLimits,
            cacheLimit: configuration.storageCacheLimit
        )
        self.loggerSlot = Mutex(
            configuration.logger.child(label: "dna.node", metadata: ["node.id": "\(membership.nodeID)"])
        )
        self.types = types
        self.membership = membership
        self.lease = membership.lease
        self.partitions = (0..<max(1, configuration.partitions)).map { Partition(index: $0) }
    }

    /// This node's current identity; it changes when the node rejoins after losing its lease.
    var nodeID: NodeID { membership.nodeID }

    /// Puts the node's current identity in the metadata of its log lines from now on.
    func identityChanged() {
        let id = "\(nodeID)"
        loggerSlot.withLock { $0.metadata["node.id"] = id }
    }

    /// The cluster transport, once the node has one.
    var link: ClusterLink? {
        get { linkSlot.withLock { $0 } }
        set { linkSlot.withLock { $0 = newValue } }
    }

    var currentPhase: Phase {
        phase.withLock { $0 }
    }

    /// Moves to `next` if the move is allowed: from serving anywhere, between serving and fenced, from
    /// fenced or draining onwards to draining or stopped. Returns the phase before.
    @discardableResult
    func advance(to next: Phase) -> Phase {
        phase.withLock { phase in
            let previous = phase
            switch (phase, next) {
            case (.serving, _), (.fenced, .serving), (.fenced, .draining), (.fenced, .stopped), (.draining, .stopped):
                phase = next
            default:
                break
            }
            return previous
        }
    }

    /// Throws unless the node may serve actors now: it is serving or draining, and its lease is valid.
    func checkServing() throws {
        switch currentPhase {
        case .serving, .draining:
            guard lease.isValid() else {
                throw DNAError(.notServing, "the node's lease has run out; it serves no actor until it rejoins")
            }
        case .fenced:
            throw DNAError(.notServing, "the node lost its lease and serves no actor until it rejoins")
        case .stopped:
            throw DNAError(.draining, "the node has stopped")
        }
    }

    func partition(for name: ActorName) -> Partition {
        partitions[Int(UInt(bitPattern: name.hashValue) % UInt(partitions.count))]
    }

    /// The accepting local instance of `name`, if one is registered.
    func existingInstance<Actor: DurableActor>(for name: ActorName, as type: Actor.Type) -> ActorInstance<Actor>? {
        partition(for: name).existing(name) as? ActorInstance<Actor>
    }

    /// The accepting local instance of `name`, created when needed.
    ///
    /// - Parameter ownership: The claim the new instance runs under, when routing already holds it; without
    ///   one, the instance claims the name when it starts.
    /// - Throws: ``DNAError/Code/unknownActorType`` when `Actor` is not registered, ``DNAError/Code/draining``
    ///   when the node takes no new work.
    func instance<Actor: DurableActor>(
        for name: ActorName,
        as type: Actor.Type,
        ownership: Ownership? = nil
    ) throws -> (instance: ActorInstance<Actor>, created: Bool) {
        try types.check(type)
        let phase = currentPhase
        guard phase == .serving else {
            throw DNAError(phase == .fenced ? .notServing : .draining, "the node takes no new activations (\(phase))")
        }
        return try partition(for: name).instance(for: name) { predecessor in
            ActorInstance<Actor>(name: name, runtime: self, predecessor: predecessor, ownership: ownership)
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

    /// Events waiting in the mailboxes of resident instances, as reported in the heartbeat.
    var queuedEvents: Int {
        allInstances().reduce(0) { $0 + $1.queuedEvents }
    }
}
