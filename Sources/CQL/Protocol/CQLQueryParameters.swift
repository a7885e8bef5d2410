/// The `<query_parameters>` of QUERY and EXECUTE (§4.1.4): consistency, values, paging and timestamp.
public struct CQLQueryParameters: Sendable, Hashable {
    /// The consistency of the read or write (for a lightweight transaction, of its commit).
    public var consistency: CQLConsistency

    /// The values of the bind markers, in order.
    public var values: [CQLValue]

    /// Asks the server to leave result metadata out (only safe with metadata cached from PREPARE).
    public var skipMetadata: Bool

    /// The most rows a page holds, or `nil` for the server's default.
    public var pageSize: Int32?

    /// Where to resume: the paging state of the previous page.
    public var pagingState: [UInt8]?

    /// The consistency of a lightweight transaction's Paxos phase (SERIAL or LOCAL_SERIAL).
    public var serialConsistency: CQLConsistency?

    /// The write timestamp in microseconds since the epoch, instead of the coordinator's clock.
    public var defaultTimestamp: Int64?

    /// Creates parameters.
    public init(
        consistency: CQLConsistency,
        values: [CQLValue] = [],
        skipMetadata: Bool = false,
        pageSize: Int32? = nil,
        pagingState: [UInt8]? = nil,
        serialConsistency: CQLConsistency? = nil,
        defaultTimestamp: Int64? = nil
    ) {
        self.consistency = consistency
        self.values = values
        self.skipMetadata = skipMetadata
        self.pageSize = pageSize
        self.pagingState = pagingState
        self.serialConsistency = serialConsistency
        self.defaultTimestamp = defaultTimestamp
    }

    /// The flag bits of §4.1.4.
    enum Flag {
        static let values: UInt8 = 0x01
        static let skipMetadata: UInt8 = 0x02
        static let pageSize: UInt8 = 0x04
        static let pagingState: UInt8 = 0x08
        static let serialConsistency: UInt8 = 0x10
        static let defaultTimestamp: UInt8 = 0x20
    }

    func encode(into writer: inout WireWriter) throws(CQLClientError) {
        var flags: UInt8 = 0
        if !values.isEmpty { flags |= Flag.values }
        if skipMetadata { flags |= Flag.skipMetadata }
        if pageSize != nil { flags |= Flag.pageSize }
        if pagingState != nil { flags |= Flag.pagingState }
        if serialConsistency != nil { flags |= Flag.serialConsistency }
        if defaultTimestamp != nil { flags |= Flag.defaultTimestamp }

        writer.writeConsistency(consistency)
        writer.writeByte(flags)
        if !values.isEmpty {
            writer.writeShort(try WireWriter.shortCount(values.count))
            for value in values {
                writer.writeValue(value)
            }
        }
        if let pageSize {
            writer.writeInt(pageSize)
        }
        if let pagingState {
            writer.writeBytes(pagingState)
        }
        if let serialConsistency {
            writer.writeConsistency(serialConsistency)
        }
        if let defaultTimestamp {
            writer.writeLong(defaultTimestamp)
        }
    }
}
