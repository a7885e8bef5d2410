import Foundation

/// The actor types a node can run, by their stable type name, with the code that delivers messages that
/// arrive encoded (from peers or the HTTP gateway) to each type.
struct ActorTypeRegistry: Sendable {
    private var entries: [ActorType: any RegisteredActorType] = [:]

    /// Registers a type. Registering two Swift types under one type name is a programming error.
    mutating func register<Actor: DurableActor>(_ type: Actor.Type) throws {
        if let existing = entries[Actor.type], existing.identifier != ObjectIdentifier(type) {
            throw DNAError(.badRequest, "two actor types are registered as \(Actor.type)")
        }
        entries[Actor.type] = ActorTypeEntry<Actor>()
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
    func entry(for type: ActorType) throws -> any RegisteredActorType {
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

/// What the node can do with a registered actor type without knowing it statically.
protocol RegisteredActorType: Sendable {
    var identifier: ObjectIdentifier { get }

    /// Delivers a call whose message is encoded with ``BinaryEncoder``; returns the reply encoded the same way.
    func call(
        binary body: [UInt8],
        to name: ActorName,
        on runtime: NodeRuntime,
        timeout: Duration,
        hops: Int
    )
        async throws -> [UInt8]

    /// Delivers a cast whose message is encoded with ``BinaryEncoder``.
    func cast(binary body: [UInt8], to name: ActorName, on runtime: NodeRuntime, hops: Int) throws

    /// Delivers a call whose message is JSON; returns the reply as JSON.
    func call(
        json body: [UInt8],
        to name: ActorName,
        on runtime: NodeRuntime,
        timeout: Duration
    ) async throws
        -> [UInt8]

    /// Delivers a cast whose message is JSON.
    func cast(json body: [UInt8], to name: ActorName, on runtime: NodeRuntime) throws
}

/// The entry of one actor type.
struct ActorTypeEntry<Actor: DurableActor>: RegisteredActorType {
    var identifier: ObjectIdentifier { ObjectIdentifier(Actor.self) }

    func call(
        binary body: [UInt8],
        to name: ActorName,
        on runtime: NodeRuntime,
        timeout: Duration,
        hops: Int
    )
        async throws -> [UInt8]
    {
        let message = try Self.decodeBinary(body, for: name)
        let reply = try await runtime.route(call: message, to: name, as: Actor.self, timeout: timeout, hops: hops)
        return try Self.encodeBinary(reply, of: name)
    }

    func cast(binary body: [UInt8], to name: ActorName, on runtime: NodeRuntime, hops: Int) throws {
        let message = try Self.decodeBinary(body, for: name)
        runtime.route(cast: message, to: name, as: Actor.self, hops: hops)
    }

    func call(
        json body: [UInt8],
        to name: ActorName,
        on runtime: NodeRuntime,
        timeout: Duration
    ) async throws
        -> [UInt8]
    {
        let message = try Self.decodeJSON(body, for: name)
        let reply = try await runtime.route(call: message, to: name, as: Actor.self, timeout: timeout, hops: 0)
        do {
            let encoder = JSONEncoder()
            encoder.userInfo[.dnaJSON] = true
            return Array(try encoder.encode(reply))
        } catch {
            throw DNAError(.decodingFailed, "the reply of \(name) cannot be written as JSON", underlying: error)
        }
    }

    func cast(json body: [UInt8], to name: ActorName, on runtime: NodeRuntime) throws {
        let message = try Self.decodeJSON(body, for: name)
        runtime.route(cast: message, to: name, as: Actor.self, hops: 0)
    }

    static func decodeBinary(_ body: [UInt8], for name: ActorName) throws -> Actor.Message {
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

    private static func decodeJSON(_ body: [UInt8], for name: ActorName) throws -> Actor.Message {
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
