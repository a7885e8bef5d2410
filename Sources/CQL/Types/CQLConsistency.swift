/// A consistency level: how many replicas must answer before the coordinator replies.
///
/// A struct with the protocol's numeric value, so that levels unknown to this client still decode.
public struct CQLConsistency: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public static let any = CQLConsistency(rawValue: 0x0000)
    public static let one = CQLConsistency(rawValue: 0x0001)
    public static let two = CQLConsistency(rawValue: 0x0002)
    public static let three = CQLConsistency(rawValue: 0x0003)
    public static let quorum = CQLConsistency(rawValue: 0x0004)
    public static let all = CQLConsistency(rawValue: 0x0005)
    public static let localQuorum = CQLConsistency(rawValue: 0x0006)
    public static let eachQuorum = CQLConsistency(rawValue: 0x0007)
    /// Linearizable across datacenters: the serial phase of lightweight transactions, or a read through Paxos.
    public static let serial = CQLConsistency(rawValue: 0x0008)
    /// Linearizable within the local datacenter.
    public static let localSerial = CQLConsistency(rawValue: 0x0009)
    public static let localOne = CQLConsistency(rawValue: 0x000A)

    private static let names: [UInt16: String] = [
        0: "ANY", 1: "ONE", 2: "TWO", 3: "THREE", 4: "QUORUM", 5: "ALL", 6: "LOCAL_QUORUM", 7: "EACH_QUORUM",
        8: "SERIAL", 9: "LOCAL_SERIAL", 10: "LOCAL_ONE",
    ]

    /// Parses a level's CQL name, in any case (`"local_quorum"`).
    public init?(name: String) {
        guard let entry = Self.names.first(where: { $0.value == name.uppercased() }) else {
            return nil
        }
        self.init(rawValue: entry.key)
    }

    /// Whether this is a serial level (SERIAL or LOCAL_SERIAL).
    public var isSerial: Bool {
        self == .serial || self == .localSerial
    }

    public var description: String {
        Self.names[rawValue] ?? "consistency(\(rawValue))"
    }
}
