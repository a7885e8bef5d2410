import Synchronization

/// A statement prepared through a ``CQLClient``: its text, id and metadata, usable on every host.
///
/// Prepared ids are a hash of the text and keyspace, equal on every node, but each node forgets them on restart.
/// The client prepares again, on the node that answered Unprepared, and retries once.
public final class CQLPreparedStatement: Sendable, CustomStringConvertible {
    /// The query text.
    public let text: String

    private let current: Mutex<CQLPreparedMetadata>

    /// Whether ScyllaDB marked the statement as a lightweight transaction.
    public let isConditional: Bool

    init(text: String, metadata: CQLPreparedMetadata, isConditional: Bool) {
        self.text = text
        self.current = Mutex(metadata)
        self.isConditional = isConditional
    }

    /// The metadata of the latest PREPARE.
    public var metadata: CQLPreparedMetadata { current.withLock { $0 } }

    /// The statement id.
    public var id: [UInt8] { metadata.id }

    func update(_ metadata: CQLPreparedMetadata) {
        current.withLock { $0 = metadata }
    }

    /// The serialized partition key of a set of values, from the statement's partition-key indexes.
    ///
    /// - Returns: `nil` when the statement does not bind every key column, or a key value is null or unset.
    func routingKey(_ values: [CQLValue]) -> [UInt8]? {
        let indexes = metadata.partitionKeyIndexes
        guard !indexes.isEmpty else {
            return nil
        }
        var components: [[UInt8]] = []
        for index in indexes {
            guard index < values.count, let bytes = values[index].bytes else {
                return nil
            }
            components.append(bytes)
        }
        return Murmur3Token.routingKey(components)
    }

    public var description: String { "CQLPreparedStatement(\(text))" }
}

/// One statement of a batch run through a ``CQLClient``.
public struct CQLBatchEntry: Sendable {
    enum Body: Sendable {
        case prepared(CQLPreparedStatement)
        case text(String)
    }

    let body: Body

    /// The values of the statement's bind markers.
    public var values: [CQLValue]

    /// A prepared statement with its values.
    public static func prepared(_ statement: CQLPreparedStatement, _ values: [CQLValue] = []) -> CQLBatchEntry {
        CQLBatchEntry(body: .prepared(statement), values: values)
    }

    /// Query text with its values.
    public static func query(_ text: String, _ values: [CQLValue] = []) -> CQLBatchEntry {
        CQLBatchEntry(body: .text(text), values: values)
    }

    var statement: CQLBatch.Statement {
        switch body {
        case .prepared(let prepared): .prepared(id: prepared.id, values)
        case .text(let text): .query(text, values)
        }
    }
}
