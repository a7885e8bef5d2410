/// The actor types a node can run, by their stable type name.
struct ActorTypeRegistry: Sendable {
    private var types: [ActorType: ObjectIdentifier] = [:]

    /// Registers a type. Registering two Swift types under one type name is a programming error.
    mutating func register<Actor: DurableActor>(_ type: Actor.Type) throws {
        let identifier = ObjectIdentifier(type)
        if let existing = types[Actor.type], existing != identifier {
            throw DNAError(.badRequest, "two actor types are registered as \(Actor.type)")
        }
        types[Actor.type] = identifier
    }

    /// Checks that `Actor` is the type registered under its type name.
    func check<Actor: DurableActor>(_ type: Actor.Type) throws {
        guard types[Actor.type] == ObjectIdentifier(type) else {
            throw DNAError(.unknownActorType, "no actor type \(Actor.type) is registered on this node")
        }
    }

    /// Whether a type name is registered.
    func contains(_ type: ActorType) -> Bool {
        types[type] != nil
    }

    /// The registered type names.
    var names: [ActorType] { Array(types.keys) }
}
