/// A reference to one named actor, through which calls and casts reach it wherever it runs.
///
/// Handles are cheap values: make one whenever needed with ``Node/actor(_:key:namespace:)``. A handle remembers
/// the local instance it reached last, so one kept for many messages skips the registry lookup.
public struct ActorHandle<Actor: DurableActor>: Sendable {
    let runtime: NodeRuntime
    private let cache = InstanceCache<Actor>()

    /// The actor's name.
    public let name: ActorName

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
        // The common case: the instance this handle reached last is local and running, and the lease holds.
        if runtime.lease.isValid() {
            if let cached = cache.current,
                let reply = try await cached.callLocally(message, timeout: timeout, runInline: true)
            {
                return reply
            }
            if let route = cache.remote,
                let reply = try await runtime.call(
                    message,
                    on: route,
                    as: Actor.self,
                    name: name,
                    timeout: timeout,
                    cache: cache
                )
            {
                return reply
            }
        }
        return try await runtime.route(call: message, to: name, as: Actor.self, timeout: timeout, hops: 0, cache: cache)
    }

    /// Sends a message without waiting: the actor handles it later, in the order this task sent it.
    ///
    /// A cast that cannot be delivered (unknown type, a node that is draining or lost its lease, an actor that
    /// fails to start or cannot be placed) is dropped and counted in the node's metrics.
    public func cast(_ message: Actor.Message) {
        if runtime.lease.isValid() {
            if let cached = cache.current, cached.cast(message) {
                return
            }
            if let route = cache.remote,
                runtime.send(cast: message, on: route, as: Actor.self, name: name, cache: cache)
            {
                return
            }
        }
        runtime.route(cast: message, to: name, as: Actor.self, hops: 0, cache: cache)
    }
}
