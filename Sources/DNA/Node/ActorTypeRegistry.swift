import Foundation

/// The actor types a node can run, by their stable type name, with the code that delivers messages that
/// arrive encoded (from peers or the HTTP gateway) to each type.
struct ActorTypeRegistry: Sendable {
    private var entries: [ActorType: ActorRegistration] = [:]

    /// Registers a type. Registering two Swift types under one type name is a programming error.
    mutating func register<Actor: DurableActor>(_ type: Actor.Type) throws {
        if let existing = entries[Actor.type], existing.identifier != ObjectIdentifier(type) {
            throw DNAError(.badRequest, "two actor types are registered as \(Actor.type)")
        }
        entries[Actor.type] = Actor.registration
    }

    /// Checks that `Actor` is the type registered under its type name.
    func check<Actor: DurableActor>(_ type: Actor.Type) throws {
        guard entries[Actor.type]?.identifier == ObjectIdentifier(type) else {
            throw DNAError(.unknownActorType, "no actor type \(Actor.type) is registered on this node")
        }
    }

    /// The entry of a type name.
    ///
    /// - Throws: ``DNAError/Code/unknownActorType`` when no type of that name is registered.
    func entry(for type: ActorType) throws -> ActorRegistration {
        guard let entry = entries[type] else {
            throw DNAError(.unknownActorType, "no actor type \(type) is registered on this node")
        }
        return entry
    }

    /// Whether a type name is registered.
    func contains(_ type: ActorType) -> Bool {
        entries[type] != nil
    }

    /// The registered type names.
    var names: [ActorType] { Array(entries.keys) }
}

/// How a node delivers messages that arrive encoded to one actor type, without knowing the type statically.
///
/// The four deliveries are closures made in ``init(_:)``, which each actor type's conformance instantiates for
/// its own type (see ``DurableActor/registration``): the closures then run code specialised for that type
/// instead of generic code that looks up type metadata at run time for every message.
public struct ActorRegistration: Sendable {
    let identifier: ObjectIdentifier

    /// Delivers a call whose message is encoded with ``BinaryEncoder``; returns the reply encoded the same way.
    let callBinary:
        @Sendable (
            _ body: ArraySlice<UInt8>, _ name: ActorName, _ runtime: NodeRuntime, _ timeout: Duration, _ hops: Int
        )
            async throws -> [UInt8]

    /// Delivers a cast whose message is encoded with ``BinaryEncoder``. When a resident instance took it as
    /// it was, returns how to queue more encoded casts on that instance (``CastShortcut``); `nil` when the
    /// cast was decoded and routed.
    let castBinary:
        @Sendable (_ body: ArraySlice<UInt8>, _ name: ActorName, _ runtime: NodeRuntime, _ hops: Int) throws -> (
            CastShortcut.Delivery
        )?

    /// Delivers a call whose message is JSON; returns the reply as JSON.
    let callJSON:
        @Sendable (_ body: [UInt8], _ name: ActorName, _ runtime: NodeRuntime, _ timeout: Duration)
            async throws -> [UInt8]

    /// Delivers a cast whose message is JSON.
    let castJSON: @Sendable (_ body: [UInt8], _ name: ActorName, _ runtime: NodeRuntime) throws -> Void

    /// The registration of `type`.
    init<Actor: DurableActor>(_ type: Actor.Type) {
        identifier = ObjectIdentifier(type)
        callBinary = { body, name, runtime, timeout, hops in
            let message = try ActorTypeEntry<Actor>.decodeBinary(body, for: name)
            let reply = try await runtime.route(call: message, to: name, as: Actor.self, timeout: timeout, hops: hops)
            return try ActorTypeEntry<Actor>.encodeBinary(reply, of: name)
        }
        castBinary = { body, name, runtime, hops in
            // The common case, a resident instance with no casts waiting for a route: it decodes the bytes on
            // its own runner, so that the event loop that read them only queues them.
            if runtime.castQueues.isIdle, (try? runtime.checkServing()) != nil,
                let local = runtime.existingInstance(for: name, as: Actor.self), local.cast(forwarded: body)
            {
                // Weak: a remembered instance must not outlive its passivation.
                return { [weak local] bytes in local?.cast(forwarded: bytes) ?? false }
            }
            let message = try ActorTypeEntry<Actor>.decodeBinary(body, for: name)
            runtime.route(cast: message, to: name, as: Actor.self, hops: hops)
            return nil
        }
        callJSON = { body, name, runtime, timeout in
            let message = try ActorTypeEntry<Actor>.decodeJSON(body, for: name)
            let reply = try await runtime.route(call: message, to: name, as: Actor.self, timeout: timeout, hops: 0)
            return try ActorTypeEntry<Actor>.encodeJSON(reply, of: name)
        }
        castJSON = { body, name, runtime in
            let message = try ActorTypeEntry<Actor>.decodeJSON(body, for: name)
            runtime.route(cast: message, to: name, as: Actor.self, hops: 0)
        }
    }
}

extension DurableActor {
    /// How a node delivers encoded messages to this type. DNA provides it; an actor type does not implement it.
    public static var registration: ActorRegistration {
        ActorRegistration(Self.self)
    }
}

/// The coding of one actor type's messages and replies, with errors that name the actor.
enum ActorTypeEntry<Actor: DurableActor> {
    static func encodeJSON(_ reply: Actor.Reply, of name: ActorName) throws -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.userInfo[.dnaJSON] = true
            return Array(try encoder.encode(reply))
        } catch {
            throw DNAError(.decodingFailed, "the reply of \(name) cannot be written as JSON", underlying: error)
        }
    }

    static func decodeBinary(_ body: ArraySlice<UInt8>, for name: ActorName) throws -> Actor.Message {
        do {
            return try BinaryDecoder().decode(Actor.Message.self, from: body)
        } catch {
            throw DNAError(.decodingFailed, "a message for \(name) is not a \(Actor.Message.self)", underlying: error)
        }
    }

    static func encodeBinary(_ reply: Actor.Reply, of name: ActorName) throws -> [UInt8] {
        do {
            return try BinaryEncoder().encode(reply)
        } catch {
            throw DNAError(.decodingFailed, "the reply of \(name) cannot be encoded", underlying: error)
        }
    }

    static func encodeBinary(_ message: Actor.Message, for name: ActorName) throws -> [UInt8] {
        do {
            return try BinaryEncoder().encode(message)
        } catch {
            throw DNAError(.decodingFailed, "a message for \(name) cannot be encoded", underlying: error)
        }
    }

    static func decodeReply(_ bytes: [UInt8], of name: ActorName) throws -> Actor.Reply {
        do {
            return try BinaryDecoder().decode(Actor.Reply.self, from: bytes)
        } catch {
            throw DNAError(.decodingFailed, "the reply of \(name) is not a \(Actor.Reply.self)", underlying: error)
        }
    }

    static func decodeJSON(_ body: [UInt8], for name: ActorName) throws -> Actor.Message {
        do {
            let decoder = JSONDecoder()
            decoder.userInfo[.dnaJSON] = true
            return try decoder.decode(Actor.Message.self, from: Data(body))
        } catch let error as DecodingError {
            throw DNAError(.badRequest, "the body is not a message for \(name.type): \(Self.describe(error))")
        } catch {
            throw DNAError(.badRequest, "the body is not a message for \(name.type)", underlying: error)
        }
    }

    /// Where a JSON body went wrong, without echoing its values.
    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "bad value at \(path(context.codingPath))"
        case .keyNotFound(let key, let context):
            return "missing key \(key.stringValue) at \(path(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(path(context.codingPath))"
        @unknown default:
            return "not decodable"
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty ? "the top level" : codingPath.map(\.stringValue).joined(separator: ".")
    }
}
