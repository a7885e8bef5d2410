import DNANetwork
import Synchronization

/// A DNA node: it runs the actors whose names it claimed and serves handles to any actor of its cluster.
///
/// ```swift
/// let node = try await Node.start(Node.Configuration(store: .sqlite(path: "dna.db")), actorTypes: [Counter.self])
/// let total = try await node.actor(Counter.self, key: "visits").call(1)
/// await node.shutdown()
/// ```
///
/// Nodes that share a store and a cluster name form a cluster once each has a ``TransportConfiguration``:
/// they find each other through their heartbeat rows, and messages for an actor owned by another node are
/// forwarded to it.
public final class Node: Sendable {
    let runtime: NodeRuntime
    let group: EventLoopGroup?
    let gateway: Gateway?
    /// The thread that runs the heartbeat and the lease watchdog, so that a saturated cooperative pool cannot
    /// starve them: a node too busy to renew its lease would fence itself.
    let membershipLoop: EventLoop
    let background = Mutex<[Task<Void, Never>]>([])
    let peers = Mutex<Set<String>>([])

    private init(runtime: NodeRuntime, group: EventLoopGroup?, gateway: Gateway?, membershipLoop: EventLoop) {
        self.runtime = runtime
        self.membershipLoop = membershipLoop
        self.group = group
        self.gateway = gateway
    }

    /// This node's current identity. It changes when the node loses its lease and rejoins.
    public var id: NodeID { runtime.nodeID }

    /// The node's counters.
    public var metrics: NodeMetrics { runtime.metrics }

    /// The store the node uses. The node closes it when it shuts down.
    public var store: any Store { runtime.store }

    /// How many actor instances the node keeps in memory.
    public var residentActors: Int { runtime.residentCount }

    /// The `host:port` peers reach this node's cluster transport at, when it has one.
    public var transportAddress: String? { runtime.link?.advertised }

    /// The `host:port` the HTTP gateway is bound to, when the node has one.
    public var gatewayAddress: String? {
        gateway.map { PeerAddress(host: $0.localAddress.host, port: $0.localAddress.port).description }
    }

    /// The event loop of the node's transport, as a task executor, when the node has one.
    ///
    /// A task that prefers it (`withTaskExecutorPreference(node.taskExecutor)`) runs on the loop that reads the
    /// replies of forwarded calls, so that each reply resumes the caller without waking another thread: the
    /// lowest latency for a caller that makes many remote calls. Such a task must not block.
    public var taskExecutor: (any TaskExecutor)? {
        group?.loops.first
    }

    /// The cluster's heartbeat rows as this node last read them, its own included.
    public var clusterMembers: [MemberRecord] { runtime.membership.members }

    /// Whether the node serves actors now: it holds a valid lease and is not draining.
    public var isServing: Bool {
        runtime.currentPhase == .serving && runtime.membership.lease.isValid()
    }

    /// Opens the store, binds the transport and the gateway, joins the cluster and starts serving.
    ///
    /// - Parameters:
    ///   - configuration: The store and the runtime's settings.
    ///   - actorTypes: The actor types this node runs. Every node of a cluster should run the same types.
    /// - Throws: ``DNAError``: ``DNAError/Code/badRequest`` for an invalid configuration or two types sharing a
    ///   type name, ``DNAError/Code/storeUnavailable`` when the store cannot be opened or the first heartbeat
    ///   cannot be written, ``DNAError/Code/internal`` when an address cannot be bound.
    public static func start(_ configuration: Configuration, actorTypes: [any DurableActor.Type]) async throws -> Node {
        try configuration.validate()
        var types = ActorTypeRegistry()
        for type in actorTypes {
            try types.register(type)
        }
        let store = try await openStore(configuration.store, logger: configuration.logger)

        let identity = NodeID.make()
        let record = MemberRecord(cluster: configuration.cluster, node: identity, address: "", heartbeat: 0)
        let membership = Membership(store: store, record: record, configuration: configuration)
        let runtime = NodeRuntime(configuration: configuration, store: store, types: types, membership: membership)

        var group: EventLoopGroup?
        var gateway: Gateway?
        let membershipLoop: EventLoop
        do {
            membershipLoop = try EventLoop(name: "dna-membership")
        } catch {
            await store.close()
            throw DNAError(.internal, "the node could not start its membership thread: \(error)")
        }
        do {
            if configuration.transport != nil || configuration.gateway != nil {
                group = try EventLoopGroup(
                    loopCount: max(1, configuration.transport?.eventLoops ?? 1),
                    busyPoll: configuration.transport?.busyPoll ?? .zero
                )
            }
            if let transport = configuration.transport, let group {
                let link = ClusterLink(
                    configuration: transport,
                    cluster: configuration.cluster,
                    identity: identity,
                    group: group,
                    handler: { runtime.receive($0) },
                    didFinishRead: { runtime.didFinishRead() }
                )
                runtime.link = link
                membership.advertise(address: try await link.start(transport), httpAddress: nil)
            }
            if let settings = configuration.gateway, let group {
                let bound = try Gateway(configuration: settings, runtime: runtime, group: group)
                gateway = bound
                let address = PeerAddress(host: bound.localAddress.host, port: bound.localAddress.port)
                membership.advertise(address: nil, httpAddress: settings.advertise ?? address.description)
            }
            try await membership.beat(load: 0, residentActors: 0, draining: false)
        } catch {
            await membershipLoop.shutdown()
            gateway?.shutdown()
            await runtime.link?.shutdown()
            runtime.link = nil
            await group?.shutdown()
            await store.close()
            throw DNAError.wrapping(error, as: .storeUnavailable, "the node could not join the cluster")
        }

        let node = Node(runtime: runtime, group: group, gateway: gateway, membershipLoop: membershipLoop)
        node.startBackgroundWork()
        runtime.logger.info("node started", metadata: ["store": store.description])
        return node
    }

    private static func openStore(_ configuration: StoreConfiguration, logger: Logger) async throws -> any Store {
        switch configuration {
        case .memory:
            return MemoryStore()
        case .sqlite(let path, let synchronous):
            return try await SQLiteStore.open(path: path, synchronous: synchronous)
        case .cql(var settings):
            settings.logger = settings.logger ?? logger.child(label: "dna.store")
            return try await CQLStore.open(settings)
        case .postgres(let postgres):
            return try await PostgresStore.open(postgres)
        case .custom(let store):
            return store
        }
    }

    /// A handle to the actor of type `Actor` with `key`.
    ///
    /// - Parameters:
    ///   - type: The actor type; it must be one the node was started with.
    ///   - key: The key that names the actor among those of its type.
    ///   - namespace: The namespace; the configuration's default when `nil`.
    public func actor<Actor: DurableActor>(
        _ type: Actor.Type,
        key: String,
        namespace: String? = nil
    ) -> ActorHandle<Actor> {
        let name = ActorName(namespace: namespace ?? runtime.configuration.namespace, type: Actor.type, key: key)
        return ActorHandle(runtime: runtime, name: name)
    }

    /// Drains and stops: the node takes no new claims, every resident actor finishes its queued events,
    /// flushes, stops and releases its claim (so that peers take its names over without waiting for the
    /// lease), then the node leaves the cluster and closes its transport, gateway and store.
    public func shutdown() async {
        guard runtime.advance(to: .draining) != .stopped else {
            return
        }
        runtime.logger.info("draining")
        try? await runtime.membership.beat(load: 0, residentActors: runtime.residentCount, draining: true)
        await stopAllInstances(.release)
        gateway?.shutdown()

        runtime.advance(to: .stopped)
        await stopBackgroundWork()
        // Calls forwarded here from now on are refused as "stopped", which senders retry elsewhere; the ones still
        // being answered (handed on to the actors' new owners) get their answers first. Only then does the row
        // go: peers close their connections to a node whose row is gone, failing what is in flight on them.
        await runtime.pendingAnswers.waitUntilNone(within: min(runtime.configuration.callTimeout, .seconds(5)))
        do {
            try await runtime.membership.leave()
        } catch {
            runtime.logger.warning("could not remove the heartbeat row", metadata: ["error": "\(error)"])
        }
        await runtime.link?.shutdown()
        runtime.link = nil
        await group?.shutdown()
        await membershipLoop.shutdown()
        await runtime.store.close()
        runtime.logger.info("node stopped")
    }

    func stopAllInstances(_ reason: StopReason) async {
        await withTaskGroup(of: Void.self) { group in
            for instance in runtime.allInstances() {
                group.addTask { await instance.stop(reason) }
            }
        }
    }
}
