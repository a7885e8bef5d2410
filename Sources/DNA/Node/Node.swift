import Synchronization

/// A DNA node: it runs the actors whose names it claimed and serves handles to any actor.
///
/// ```swift
/// let node = try await Node.start(Node.Configuration(store: .sqlite(path: "dna.db")), actorTypes: [Counter.self])
/// let total = try await node.actor(Counter.self, key: "visits").call(1)
/// await node.shutdown()
/// ```
public final class Node: Sendable {
    let runtime: NodeRuntime
    private let background: Mutex<[Task<Void, Never>]>

    private init(runtime: NodeRuntime) {
        self.runtime = runtime
        self.background = Mutex([])
    }

    /// This node's identity.
    public var id: NodeID { runtime.nodeID }

    /// The node's counters.
    public var metrics: NodeMetrics { runtime.metrics }

    /// The store the node uses. The node closes it when it shuts down.
    public var store: any Store { runtime.store }

    /// How many actor instances the node keeps in memory.
    public var residentActors: Int { runtime.residentCount }

    /// Opens the store, joins the cluster and starts serving.
    ///
    /// - Parameters:
    ///   - configuration: The store and the runtime's settings.
    ///   - actorTypes: The actor types this node runs.
    /// - Throws: ``DNAError`` when the store cannot be opened or two types share a type name.
    public static func start(_ configuration: Configuration, actorTypes: [any DurableActor.Type]) async throws -> Node {
        var types = ActorTypeRegistry()
        for type in actorTypes {
            try types.register(type)
        }
        let store = try await openStore(configuration.store)

        let record = MemberRecord(
            cluster: configuration.cluster,
            node: .make(),
            address: configuration.advertisedAddress,
            httpAddress: configuration.advertisedHTTPAddress,
            heartbeat: 0
        )
        let membership = Membership(store: store, record: record, configuration: configuration)
        do {
            try await membership.beat(load: 0, residentActors: 0, draining: false)
        } catch {
            await store.close()
            throw DNAError.wrapping(error, as: .storeUnavailable, "the node could not join the cluster")
        }

        let node = Node(
            runtime: NodeRuntime(configuration: configuration, store: store, types: types, membership: membership)
        )
        node.startBackgroundWork()
        node.runtime.logger.info("node started", metadata: ["store": store.description])
        return node
    }

    private static func openStore(_ configuration: StoreConfiguration) async throws -> any Store {
        switch configuration {
        case .memory:
            return MemoryStore()
        case .sqlite(let path, let synchronous):
            return try await SQLiteStore.open(path: path, synchronous: synchronous)
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

    /// Stops serving: every resident actor finishes its queued events, flushes and stops; the node releases its
    /// claims, leaves the cluster and closes the store.
    public func shutdown() async {
        guard runtime.advance(to: .draining) != .stopped else {
            return
        }
        await stopAllInstances(.release)
        runtime.advance(to: .stopped)
        stopBackgroundWork()
        do {
            try await runtime.membership.leave()
        } catch {
            runtime.logger.warning("could not remove the heartbeat row", metadata: ["error": "\(error)"])
        }
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

    // MARK: Background work

    private func startBackgroundWork() {
        let runtime = self.runtime
        let tasks = [
            Task { await Self.heartbeatLoop(runtime) },
            Task { await Self.timeoutLoop(runtime) },
            Task { await Self.passivationLoop(runtime) },
        ]
        background.withLock { $0 = tasks }
    }

    private func stopBackgroundWork() {
        let tasks = background.withLock { tasks in
            defer { tasks.removeAll() }
            return tasks
        }
        for task in tasks {
            task.cancel()
        }
    }

    private static func heartbeatLoop(_ runtime: NodeRuntime) async {
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: runtime.configuration.heartbeatInterval)) != nil else {
                return
            }
            do {
                try await runtime.membership.beat(
                    load: 0,
                    residentActors: runtime.residentCount,
                    draining: runtime.currentPhase != .serving
                )
            } catch {
                runtime.logger.warning("heartbeat failed", metadata: ["error": DNAError.describe(error)])
            }
        }
    }

    private static func timeoutLoop(_ runtime: NodeRuntime) async {
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: runtime.timeouts.tick)) != nil else {
                return
            }
            runtime.timeouts.sweep(now: .now())
        }
    }

    private static func passivationLoop(_ runtime: NodeRuntime) async {
        let interval = max(.milliseconds(50), min(runtime.configuration.idleTimeout / 4, .seconds(5)))
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: interval)) != nil else {
                return
            }
            await Passivation.sweep(runtime, now: .now())
        }
    }
}
