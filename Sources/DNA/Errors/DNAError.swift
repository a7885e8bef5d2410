/// An error reported by DNA to a caller.
///
/// The ``code`` tells what kind of failure it is: compare it with the static codes (`error.code == .timedOut`).
/// New codes may be added in later versions, so a `switch` over codes needs a `default`. The ``message`` is
/// for people; it never contains message payloads or stored values. DNA errors are `Codable` so that a node
/// can return them to a caller on another node unchanged.
public struct DNAError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The kind of a ``DNAError``.
    public struct Code: Hashable, Sendable, Codable, CustomStringConvertible {
        /// The stable textual form, as sent over the wire and in HTTP error bodies.
        public let rawValue: String

        init(_ rawValue: String) {
            self.rawValue = rawValue
        }

        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        public var description: String { rawValue }

        /// No actor type of that name is registered on the node.
        public static let unknownActorType = Code("unknown_actor_type")
        /// A message, reply or stored value could not be encoded or decoded.
        public static let decodingFailed = Code("decoding_failed")
        /// The call did not get its reply in time.
        public static let timedOut = Code("timed_out")
        /// The actor's handler threw; the batch's writes were dropped and the actor restarted.
        public static let handlerFailed = Code("handler_failed")
        /// The actor's initialiser threw, so the actor could not start.
        public static let activationFailed = Code("activation_failed")
        /// The actor's writes could not be made durable; the actor restarted from durable state.
        public static let flushFailed = Code("flush_failed")
        /// The actor restarted too often in a short time and was stopped.
        public static let restartLimitExceeded = Code("restart_limit_exceeded")
        /// The instance lost ownership of its name (its epoch is stale); its writes were refused.
        public static let fenced = Code("fenced")
        /// The store could not be reached or refused the operation.
        public static let storeUnavailable = Code("store_unavailable")
        /// Stored data did not have the expected shape.
        public static let corruptData = Code("corrupt_data")
        /// A key, value or message was larger than the configured limit.
        public static let limitExceeded = Code("limit_exceeded")
        /// The node is draining or shutting down and takes no new work.
        public static let draining = Code("draining")
        /// The node has lost its lease and serves no actor until it rejoins.
        public static let notServing = Code("not_serving")
        /// The actor stopped before it could handle the message.
        public static let stopped = Code("stopped")
        /// Placement gave up after its bounded retries or hops.
        public static let placementFailed = Code("placement_failed")
        /// The owning node could not be reached.
        public static let nodeUnreachable = Code("node_unreachable")
        /// The request was malformed.
        public static let badRequest = Code("bad_request")
        /// A failure that fits no other code.
        public static let `internal` = Code("internal")
    }

    /// The kind of failure.
    public var code: Code

    /// A description for people. It never contains payloads or stored values.
    public var message: String

    /// The Swift type name of the underlying error, when one caused this error.
    public var underlying: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying.map { String(reflecting: type(of: $0)) }
    }

    public var description: String {
        if let underlying {
            return "DNAError(\(code)): \(message) [\(underlying)]"
        }
        return "DNAError(\(code)): \(message)"
    }

    /// Wraps any error as a ``DNAError``, keeping a DNA error as it is.
    static func wrapping(_ error: any Error, as code: Code, _ message: String) -> DNAError {
        if let error = error as? DNAError {
            return error
        }
        return DNAError(code, "\(message): \(describe(error))", underlying: error)
    }

    /// A short, payload-free description of an arbitrary error for messages.
    ///
    /// Errors other than DNA's own are reduced to their type name: their descriptions may carry user data.
    static func describe(_ error: any Error) -> String {
        if let error = error as? DNAError {
            return error.message
        }
        return String(reflecting: type(of: error))
    }
}
