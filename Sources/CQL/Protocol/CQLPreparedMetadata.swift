/// What a Prepared result (§4.2.5.4) says about a statement: its id, bind markers and result columns.
public struct CQLPreparedMetadata: Sendable, Hashable {
    /// The statement id on the node that prepared it (a hash of its text and keyspace).
    public var id: [UInt8]

    /// The flags of the bind metadata; ScyllaDB may set its LWT bit among them.
    public var flags: UInt32

    /// The bind markers, in order.
    public var bindColumns: [CQLColumn]

    /// For each partition-key column in key order, the index of the bind marker that gives it (empty when not
    /// every key column has a marker).
    public var partitionKeyIndexes: [Int]

    /// The result metadata (often empty for writes).
    public var resultMetadata: CQLRowsMetadata

    public init(
        id: [UInt8],
        flags: UInt32,
        bindColumns: [CQLColumn],
        partitionKeyIndexes: [Int],
        resultMetadata: CQLRowsMetadata
    ) {
        self.id = id
        self.flags = flags
        self.bindColumns = bindColumns
        self.partitionKeyIndexes = partitionKeyIndexes
        self.resultMetadata = resultMetadata
    }

    /// Whether ScyllaDB marked the statement as a lightweight transaction, given the negotiated bit mask.
    public func isConditional(lwtMask: UInt32?) -> Bool {
        guard let lwtMask, lwtMask != 0 else {
            return false
        }
        return flags & lwtMask == lwtMask
    }

    static func decode(from reader: inout WireReader) throws(CQLClientError) -> CQLPreparedMetadata {
        let id = try reader.readShortBytes()
        let flags = UInt32(bitPattern: try reader.readInt())
        let count = try CQLRowsMetadata.decodeCount(from: &reader, "bind markers")
        let keyCount = try CQLRowsMetadata.decodeCount(from: &reader, "partition key indexes", minimumSize: 2)
        var keyIndexes: [Int] = []
        for _ in 0..<keyCount {
            keyIndexes.append(Int(try reader.readShort()))
        }
        let columns = try CQLRowsMetadata.decodeColumns(
            count,
            global: Int32(bitPattern: flags) & CQLRowsMetadata.Flag.globalTablesSpec != 0,
            from: &reader
        )
        let result = try CQLRowsMetadata.decode(from: &reader)
        return CQLPreparedMetadata(
            id: id,
            flags: flags,
            bindColumns: columns,
            partitionKeyIndexes: keyIndexes,
            resultMetadata: result
        )
    }
}
