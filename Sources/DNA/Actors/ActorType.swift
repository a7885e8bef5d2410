/// The stable name of an actor type, chosen by the program.
///
/// The type name is stored in the directory and next to every stored item, so it must survive refactors:
/// pick a short dotted name such as `"chat.room"`, never a Swift type name.
public struct ActorType: Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The type name as stored.
    public let name: String

    /// Creates an actor type from its stored name.
    public init(_ name: String) {
        self.name = name
    }

    public init(stringLiteral value: String) {
        self.name = value
    }

    public init(from decoder: any Decoder) throws {
        self.name = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    public var description: String { name }
}
