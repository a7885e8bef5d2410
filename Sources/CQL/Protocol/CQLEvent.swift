/// An event the server pushes on stream -1 to a connection that registered for it (§4.2.6).
public enum CQLEvent: Sendable, Hashable {
    /// A node joined, left (or, on Cassandra, moved): `NEW_NODE`, `REMOVED_NODE`, `MOVED_NODE`.
    case topologyChange(change: String, address: CQLInet)
    /// A node went `UP` or `DOWN`.
    case statusChange(change: String, address: CQLInet)
    /// A keyspace, table, type, function or aggregate changed.
    case schemaChange(CQLSchemaChange)

    /// The kind of event to register for.
    public struct Kind: RawRepresentable, Sendable, Hashable {
        public let rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public static let topologyChange = Kind(rawValue: "TOPOLOGY_CHANGE")
        public static let statusChange = Kind(rawValue: "STATUS_CHANGE")
        public static let schemaChange = Kind(rawValue: "SCHEMA_CHANGE")
    }

    static func decode(from reader: inout WireReader) throws(CQLClientError) -> CQLEvent {
        let kind = try reader.readString()
        switch kind {
        case Kind.topologyChange.rawValue:
            let change = try reader.readString()
            return .topologyChange(change: change, address: try reader.readInet())
        case Kind.statusChange.rawValue:
            let change = try reader.readString()
            return .statusChange(change: change, address: try reader.readInet())
        case Kind.schemaChange.rawValue:
            return .schemaChange(try CQLSchemaChange.decode(from: &reader))
        default:
            throw CQLClientError(.protocolViolation, "unknown event type \"\(kind)\"")
        }
    }
}
