/// The identity of one node process: the time it started and a random number.
///
/// A restarted process is a new node. The textual form `"<startMillis>-<hex random>"` is what stores keep.
public struct NodeID: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// Milliseconds since the Unix epoch at which the node started.
    public let startedAtMillis: Int64

    /// A random number that tells apart nodes started in the same millisecond.
    public let random: UInt64

    /// Creates a node identity from its parts.
    public init(startedAtMillis: Int64, random: UInt64) {
        self.startedAtMillis = startedAtMillis
        self.random = random
    }

    /// Makes a fresh identity for a node starting now.
    public static func make<G: RandomNumberGenerator>(using generator: inout G) -> NodeID {
        NodeID(startedAtMillis: WallClock.nowMillis(), random: generator.next())
    }

    /// Makes a fresh identity for a node starting now, with the system's random number generator.
    public static func make() -> NodeID {
        var generator = SystemRandomNumberGenerator()
        return make(using: &generator)
    }

    /// Parses the textual form written by ``description``.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let millis = Int64(parts[0]), let random = UInt64(parts[1], radix: 16) else {
            return nil
        }
        self.init(startedAtMillis: millis, random: random)
    }

    public var description: String {
        let hex = String(random, radix: 16)
        return "\(startedAtMillis)-\(String(repeating: "0", count: 16 - hex.count))\(hex)"
    }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool {
        (lhs.startedAtMillis, lhs.random) < (rhs.startedAtMillis, rhs.random)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = NodeID(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a node id: \(text)")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
