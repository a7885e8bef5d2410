/// One column of a result, or one bind marker of a prepared statement.
public struct CQLColumn: Sendable, Hashable {
    public var keyspace: String
    public var table: String
    public var name: String
    public var type: CQLDataType

    public init(keyspace: String, table: String, name: String, type: CQLDataType) {
        self.keyspace = keyspace
        self.table = table
        self.name = name
        self.type = type
    }
}

/// The `<metadata>` of a Rows result (§4.2.5.2).
public struct CQLRowsMetadata: Sendable, Hashable {
    /// The columns, or empty when the server left them out (No_metadata).
    public var columns: [CQLColumn]

    /// How many cells each row has.
    public var columnCount: Int

    /// The state to resume from when more pages follow.
    public var pagingState: [UInt8]?

    public init(columns: [CQLColumn], columnCount: Int, pagingState: [UInt8]? = nil) {
        self.columns = columns
        self.columnCount = columnCount
        self.pagingState = pagingState
    }

    enum Flag {
        static let globalTablesSpec: Int32 = 0x0001
        static let hasMorePages: Int32 = 0x0002
        static let noMetadata: Int32 = 0x0004
    }

    static func decode(from reader: inout WireReader) throws(CQLClientError) -> CQLRowsMetadata {
        let flags = try reader.readInt()
        let count = try decodeCount(from: &reader, "columns")
        let pagingState = flags & Flag.hasMorePages != 0 ? try reader.readBytes() : nil
        if flags & Flag.noMetadata != 0 {
            return CQLRowsMetadata(columns: [], columnCount: count, pagingState: pagingState)
        }
        let columns = try decodeColumns(count, global: flags & Flag.globalTablesSpec != 0, from: &reader)
        return CQLRowsMetadata(columns: columns, columnCount: count, pagingState: pagingState)
    }

    /// A non-negative `[int]` count, bounded by the bytes left (each element takes at least `minimumSize`).
    static func decodeCount(
        from reader: inout WireReader,
        _ what: String,
        minimumSize: Int = 1
    ) throws(CQLClientError) -> Int {
        let count = Int(try reader.readInt())
        guard count >= 0, count <= reader.remaining / max(1, minimumSize) + 1 else {
            throw CQLClientError(.protocolViolation, "the count of \(what), \(count), does not fit the body")
        }
        return count
    }

    static func decodeColumns(
        _ count: Int,
        global: Bool,
        from reader: inout WireReader
    ) throws(CQLClientError) -> [CQLColumn] {
        var keyspace = ""
        var table = ""
        if global {
            keyspace = try reader.readString()
            table = try reader.readString()
        }
        var columns: [CQLColumn] = []
        columns.reserveCapacity(count)
        for _ in 0..<count {
            var columnKeyspace = keyspace
            var columnTable = table
            if !global {
                columnKeyspace = try reader.readString()
                columnTable = try reader.readString()
            }
            let name = try reader.readString()
            let type = try CQLDataType.decode(from: &reader)
            columns.append(CQLColumn(keyspace: columnKeyspace, table: columnTable, name: name, type: type))
        }
        return columns
    }
}
