/// A type of durable named actor.
///
/// The runtime creates at most one instance of each name in the cluster, on the node that claimed the name.
/// It calls the handlers of one instance one at a time, so an actor keeps its state in ordinary stored
/// properties. State that must survive lives in storage modules obtained from the ``ActorContext``: their
/// writes are flushed atomically at the end of each batch, and a caller's reply is released only once the
/// writes staged before it are durable.
///
/// ```swift
/// final class Counter: DurableActor {
///     static let type: ActorType = "counter"
///
///     private let storage: KeyValueStorage
///     private var value: Int
///
///     init(context: ActorContext) async throws {
///         storage = context.keyValue("state")
///         value = try await storage.get("value", as: Int.self) ?? 0
///     }
///
///     func receive(_ message: Int, context: MessageContext) async throws -> Int {
///         value += message
///         try storage.set("value", to: value)
///         return value
///     }
/// }
/// ```
///
/// - Important: An instance is used by one task at a time, but not always the same task: do not hand the
///   actor object or its storage modules to other tasks.
public protocol DurableActor: AnyObject, SendableMetatype {
    /// The messages the actor handles. Messages from other nodes or HTTP arrive encoded.
    associatedtype Message: Codable & Sendable

    /// The replies it returns to calls.
    associatedtype Reply: Codable & Sendable

    /// The stable name of the type, stored in the directory and next to the actor's data.
    static var type: ActorType { get }

    /// Starts an instance: create storage modules and load the state the actor needs.
    ///
    /// If it throws, the messages waiting for the instance fail with ``DNAError/Code/activationFailed``.
    init(context: ActorContext) async throws

    /// Handles one call or cast. The reply to a cast is discarded.
    ///
    /// If it throws, every caller of the current batch gets ``DNAError/Code/handlerFailed``, the batch's
    /// staged writes are dropped and the instance restarts from durable state.
    func receive(_ message: Message, context: MessageContext) async throws -> Reply

    /// Handles a whole batch of calls and casts at once, for actors that aggregate.
    ///
    /// The default implementation hands each message to ``receive(_:context:)`` in order. An implementation
    /// must reply to every call of the batch with ``MessageBatch/reply(to:with:)``; a call left without a reply
    /// fails with ``DNAError/Code/internal``.
    func receive(batch: MessageBatch<Self>) async throws

    /// Handles a local event such as a timer set with ``ActorContext/setTimer(_:after:)``.
    func receive(info: InfoEvent, context: MessageContext) async throws

    /// Runs after a batch's writes became durable and its replies were released.
    func afterPersist() async

    /// Runs before the instance stops (passivation, drain or shutdown). Writes staged here are flushed.
    func willStop() async

    /// How a node delivers encoded messages to this type, from peers and the HTTP gateway.
    ///
    /// DNA provides it: do not implement it. It is a requirement so that each actor type's conformance makes
    /// the registration for its own type, with the delivery code specialised for it.
    static var registration: ActorRegistration { get }
}

extension DurableActor {
    public func receive(batch: MessageBatch<Self>) async throws {
        for envelope in batch {
            let reply = try await receive(envelope.message, context: envelope.context)
            batch.reply(to: envelope, with: reply)
        }
    }

    public func receive(info: InfoEvent, context: MessageContext) async throws {}

    public func afterPersist() async {}

    public func willStop() async {}
}

/// A local event for an actor: something that did not come from a caller.
public enum InfoEvent: Sendable, Hashable {
    /// A timer set with ``ActorContext/setTimer(_:after:)`` fired.
    case timer(String)
}
