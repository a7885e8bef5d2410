/// The address of one actor: a namespace, an actor type and a key.
///
/// At most one instance of a name runs anywhere in a cluster at a time.
public struct ActorName: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The namespace that separates applications sharing one store. The default is `"default"`.
    public var namespace: String

    /// The stable type name of the actor.
    public var type: ActorType

    /// The key that tells actors of one type apart.
    public var key: String

    /// Creates a name.
    public init(namespace: String = ActorName.defaultNamespace, type: ActorType, key: String) {
        self.namespace = namespace
        self.type = type
        self.key = key
    }

    /// The namespace used when a program does not name one.
    public static let defaultNamespace = "default"

    public var description: String { "\(namespace)/\(type.name)/\(key)" }
}
