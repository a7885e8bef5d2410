/// A BATCH request (§4.1.7): several writes applied together.
///
/// A logged batch is atomic across partitions (through the batch log); an unlogged batch within one partition
/// is applied atomically by each replica and costs no batch log. A batch whose statements carry conditions is a
/// lightweight transaction and must stay within one partition.
public struct CQLBatch: Sendable, Hashable {
    /// The kind of batch.
    public struct Kind: RawRepresentable, Sendable, Hashable {
        public let rawValue: UInt8

        public init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        /// Atomic across partitions, through the batch log.
        public static let logged = Kind(rawValue: 0)
        /// No batch log: atomic per replica only when all statements share a partition.
        public static let unlogged = Kind(rawValue: 1)
        /// Counter updates only.
        public static let counter = Kind(rawValue: 2)
    }

    /// One statement of a batch: query text or a prepared id, with its values.
    public struct Statement: Sendable, Hashable {
        enum Body: Sendable, Hashable {
            case text(String)
            case prepared(id: [UInt8])
        }

        let body: Body

        /// The values of the statement's bind markers.
        public var values: [CQLValue]

        /// A statement given as query text.
        public static func query(_ text: String, _ values: [CQLValue] = []) -> Statement {
            Statement(body: .text(text), values: values)
        }

        /// A statement given by the id of a prepared statement.
        public static func prepared(id: [UInt8], _ values: [CQLValue] = []) -> Statement {
            Statement(body: .prepared(id: id), values: values)
        }

        /// The prepared id, when the statement is a prepared one.
        public var preparedID: [UInt8]? {
            if case .prepared(let id) = body {
                return id
            }
            return nil
        }
    }

    public var kind: Kind
    public var statements: [Statement]
    public var consistency: CQLConsistency
    /// The consistency of the Paxos phase, for batches with conditions.
    public var serialConsistency: CQLConsistency?
    /// The write timestamp in microseconds since the epoch (not allowed on batches with conditions).
    public var defaultTimestamp: Int64?

    /// Creates a batch.
    public init(
        kind: Kind,
        statements: [Statement],
        consistency: CQLConsistency,
        serialConsistency: CQLConsistency? = nil,
        defaultTimestamp: Int64? = nil
    ) {
        self.kind = kind
        self.statements = statements
        self.consistency = consistency
        self.serialConsistency = serialConsistency
        self.defaultTimestamp = defaultTimestamp
    }

    func encode(into writer: inout WireWriter) throws(CQLClientError) {
        writer.writeByte(kind.rawValue)
        writer.writeShort(try WireWriter.shortCount(statements.count))
        for statement in statements {
            switch statement.body {
            case .text(let text):
                writer.writeByte(0)
                writer.writeLongString(text)
            case .prepared(let id):
                writer.writeByte(1)
                try writer.writeShortBytes(id)
            }
            writer.writeShort(try WireWriter.shortCount(statement.values.count))
            for value in statement.values {
                writer.writeValue(value)
            }
        }

        var flags: UInt8 = 0
        if serialConsistency != nil { flags |= CQLQueryParameters.Flag.serialConsistency }
        if defaultTimestamp != nil { flags |= CQLQueryParameters.Flag.defaultTimestamp }
        writer.writeConsistency(consistency)
        writer.writeByte(flags)
        if let serialConsistency {
            writer.writeConsistency(serialConsistency)
        }
        if let defaultTimestamp {
            writer.writeLong(defaultTimestamp)
        }
    }
}
