/// A schema change, as a Schema_change result or a SCHEMA_CHANGE event reports it (§4.2.5.5).
public struct CQLSchemaChange: Sendable, Hashable {
    /// `CREATED`, `UPDATED` or `DROPPED`.
    public var change: String
    /// `KEYSPACE`, `TABLE`, `TYPE`, `FUNCTION` or `AGGREGATE`.
    public var target: String
    public var keyspace: String
    /// The table, type, function or aggregate; empty for a keyspace.
    public var name: String
    /// The argument types of a function or aggregate.
    public var argumentTypes: [String]

    public init(change: String, target: String, keyspace: String, name: String = "", argumentTypes: [String] = []) {
        self.change = change
        self.target = target
        self.keyspace = keyspace
        self.name = name
        self.argumentTypes = argumentTypes
    }

    static func decode(from reader: inout WireReader) throws(CQLClientError) -> CQLSchemaChange {
        let change = try reader.readString()
        let target = try reader.readString()
        let keyspace = try reader.readString()
        switch target {
        case "KEYSPACE":
            return CQLSchemaChange(change: change, target: target, keyspace: keyspace)
        case "FUNCTION", "AGGREGATE":
            let name = try reader.readString()
            let arguments = try reader.readStringList()
            return CQLSchemaChange(
                change: change,
                target: target,
                keyspace: keyspace,
                name: name,
                argumentTypes: arguments
            )
        default:
            return CQLSchemaChange(change: change, target: target, keyspace: keyspace, name: try reader.readString())
        }
    }
}
