/// A reference to one named actor, through which calls and casts reach it wherever it runs.
///
/// Handles are cheap values: make one whenever needed with ``Node/actor(_:key:namespace:)``. A handle remembers
/// the local instance it reached last, so one kept for many messages skips the registry lookup.
public struct ActorHandle<Actor: DurableActor>: Sendable {
    let runtime: NodeRuntime
    private let cache = InstanceCache<Actor>()

    /// The actor's name.
    public let name: ActorName

    /// How often a call or cast resolves the name again when the instance it found was stopping.
    private static var resolveAttempts: Int { 8 }

    init(runtime: NodeRuntime, name: ActorName) {
        self.runtime = runtime
        self.name = name
    }

    /// Sends a message and waits for the reply.
    ///
    /// The reply is released only after every write the actor staged before replying is durable (unless the
    /// handler opted out for this reply). Calls from one task are handled in the order made.
    ///
    /// - Parameters:
    ///   - message: The message.
    ///   - timeout: How long to wait for the reply; the node's ``Node/Configuration/callTimeout`` when `nil`.
    /// - Returns: The actor's reply.
    /// - Throws: ``DNAError``: ``DNAError/Code/timedOut`` when no reply came in time,
    ///   ``DNAError/Code/handlerFailed`` when the handler threw, ``DNAError/Code/flushFailed`` when the writes
    ///   could not be made durable, ``DNAError/Code/unknownActorType``, ``DNAError/Code/draining`` and others.
    ///   An error never hides a success: a call that failed had its writes dropped.
    public func call(_ message: Actor.Message, timeout: Duration? = nil) async throws -> Actor.Reply {
        let timeout = timeout ?? runtime.configuration.callTimeout
        if let cached = cache.current,
            let reply = try await cached.callLocally(message, timeout: timeout, runInline: true)
        {
            return reply
        }
        for _ in 0..<Self.resolveAttempts {
            let (instance, created) = try runtime.instance(for: name, as: Actor.self)
            cache.remember(instance)
            if created {
                // The new instance is not running yet: this task activates it and runs the call.
                return try await instance.callAsCreator(message, timeout: timeout)
            }
            if let reply = try await instance.callLocally(message, timeout: timeout, runInline: true) {
                return reply
            }
        }
        throw DNAError(.placementFailed, "\(name) kept stopping while the call tried to reach it")
    }

    /// Sends a message without waiting: the actor handles it later, in the order this task sent it.
    ///
    /// A cast that cannot be delivered (unknown type, a node that is draining, an actor that fails to start)
    /// is dropped and counted in the node's metrics.
    public func cast(_ message: Actor.Message) {
        if let cached = cache.current, cached.cast(message) {
            return
        }
        for _ in 0..<Self.resolveAttempts {
            guard let (instance, created) = try? runtime.instance(for: name, as: Actor.self) else {
                runtime.metrics.recordDroppedEvent()
                return
            }
            cache.remember(instance)
            if created {
                instance.castAndStart(message)
                return
            }
            if instance.cast(message) {
                return
            }
        }
        runtime.metrics.recordDroppedEvent()
    }
}
