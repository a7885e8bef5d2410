/// The body of a RESULT response (§4.2.5).
public enum CQLResult: Sendable, Hashable {
    /// A statement that returns nothing.
    case void
    /// Rows, with metadata and paging state.
    case rows(CQLRows)
    /// The keyspace a `USE` switched to.
    case setKeyspace(String)
    /// A prepared statement.
    case prepared(CQLPreparedMetadata)
    /// A schema change a statement made.
    case schemaChange(CQLSchemaChange)

    /// The rows, or an empty set for results that have none.
    public var rows: CQLRows {
        if case .rows(let rows) = self {
            return rows
        }
        return CQLRows(metadata: CQLRowsMetadata(columns: [], columnCount: 0), cells: [])
    }

    static func decode(from reader: inout WireReader) throws(CQLClientError) -> CQLResult {
        let kind = try reader.readInt()
        switch kind {
        case 0x0001:
            return .void
        case 0x0002:
            return .rows(try CQLRows.decode(from: &reader))
        case 0x0003:
            return .setKeyspace(try reader.readString())
        case 0x0004:
            return .prepared(try CQLPreparedMetadata.decode(from: &reader))
        case 0x0005:
            return .schemaChange(try CQLSchemaChange.decode(from: &reader))
        default:
            throw CQLClientError(.protocolViolation, "unknown result kind \(kind)")
        }
    }
}
