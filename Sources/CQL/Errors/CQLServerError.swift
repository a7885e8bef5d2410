/// An ERROR response from a CQL server, with its code, message and the extra fields the code defines.
///
/// ``code`` is a struct, not a closed enum: compare it with the static codes (`error.code == .unprepared`), and
/// give a `switch` a `default`, since servers add codes (ScyllaDB's rate-limit error takes a code it announces).
public struct CQLServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An error code of the native protocol (§9 of the specification).
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int32

        public init(rawValue: Int32) {
            self.rawValue = rawValue
        }

        /// Something unexpected happened on the server.
        public static let serverError = Code(rawValue: 0x0000)
        /// The request broke the protocol (also answers an unsupported protocol version).
        public static let protocolError = Code(rawValue: 0x000A)
        /// Authentication failed.
        public static let badCredentials = Code(rawValue: 0x0100)
        /// Not enough replicas were alive for the consistency level.
        public static let unavailable = Code(rawValue: 0x1000)
        /// The coordinator is overloaded; another node may serve the request.
        public static let overloaded = Code(rawValue: 0x1001)
        /// The coordinator is still bootstrapping; another node may serve the request.
        public static let isBootstrapping = Code(rawValue: 0x1002)
        /// A TRUNCATE failed.
        public static let truncateError = Code(rawValue: 0x1003)
        /// Replicas did not acknowledge a write in time: it may or may not have been applied.
        public static let writeTimeout = Code(rawValue: 0x1100)
        /// Replicas did not answer a read in time.
        public static let readTimeout = Code(rawValue: 0x1200)
        /// A replica failed a read.
        public static let readFailure = Code(rawValue: 0x1300)
        /// A user-defined function failed.
        public static let functionFailure = Code(rawValue: 0x1400)
        /// A replica failed a write.
        public static let writeFailure = Code(rawValue: 0x1500)
        /// A write to a table with change data capture failed (Cassandra 4, ScyllaDB).
        public static let cdcWriteFailure = Code(rawValue: 0x1600)
        /// The query has a syntax error.
        public static let syntaxError = Code(rawValue: 0x2000)
        /// The user may not run the query.
        public static let unauthorized = Code(rawValue: 0x2100)
        /// The query is syntactically correct but invalid.
        public static let invalid = Code(rawValue: 0x2200)
        /// The query is invalid because of a configuration problem.
        public static let configError = Code(rawValue: 0x2300)
        /// The keyspace or table to create already exists.
        public static let alreadyExists = Code(rawValue: 0x2400)
        /// The prepared statement id is unknown to the node: prepare it again.
        public static let unprepared = Code(rawValue: 0x2500)
        /// ScyllaDB's per-partition rate limit, at the code it announces by default.
        public static let scyllaRateLimit = Code(rawValue: 0xF000)

        public var description: String {
            let names: [Int32: String] = [
                0x0000: "server_error", 0x000A: "protocol_error", 0x0100: "bad_credentials", 0x1000: "unavailable",
                0x1001: "overloaded", 0x1002: "is_bootstrapping", 0x1003: "truncate_error",
                0x1100: "write_timeout", 0x1200: "read_timeout", 0x1300: "read_failure",
                0x1400: "function_failure", 0x1500: "write_failure", 0x1600: "cdc_write_failure",
                0x2000: "syntax_error", 0x2100: "unauthorized", 0x2200: "invalid", 0x2300: "config_error",
                0x2400: "already_exists", 0x2500: "unprepared", 0xF000: "rate_limit",
            ]
            let hex = "0x" + String(rawValue, radix: 16)
            return names[rawValue].map { "\($0) (\(hex))" } ?? hex
        }
    }

    /// The extra fields that some codes carry.
    public enum Details: Sendable, Hashable {
        /// No extra fields, or fields this client does not read.
        case none
        /// Unavailable: the consistency asked for, replicas required and alive.
        case unavailable(consistency: CQLConsistency, required: Int32, alive: Int32)
        /// Write timeout: acknowledgements received of those required, and what kind of write it was.
        case writeTimeout(consistency: CQLConsistency, received: Int32, blockFor: Int32, writeType: CQLWriteType)
        /// Read timeout: answers received of those required, and whether the data replica answered.
        case readTimeout(consistency: CQLConsistency, received: Int32, blockFor: Int32, dataPresent: Bool)
        /// Read failure: like a read timeout, with the number of replicas that failed.
        case readFailure(
            consistency: CQLConsistency,
            received: Int32,
            blockFor: Int32,
            failures: Int32,
            dataPresent: Bool
        )
        /// Write failure: like a write timeout, with the number of replicas that failed.
        case writeFailure(
            consistency: CQLConsistency,
            received: Int32,
            blockFor: Int32,
            failures: Int32,
            writeType: CQLWriteType
        )
        /// A user-defined function failed.
        case functionFailure(keyspace: String, function: String, argumentTypes: [String])
        /// The keyspace (and table, empty for a keyspace) that already exists.
        case alreadyExists(keyspace: String, table: String)
        /// The prepared statement id the node does not know.
        case unprepared(id: [UInt8])
        /// ScyllaDB's rate limit: whether a read or write was rejected, and whether by the coordinator.
        case rateLimit(isWrite: Bool, rejectedByCoordinator: Bool)
    }

    /// The error code.
    public var code: Code

    /// The server's message. It may quote the query text, never bound values.
    public var message: String

    /// The code's extra fields.
    public var details: Details

    /// Creates an error.
    public init(code: Code, message: String, details: Details = .none) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// Whether a lightweight transaction timed out inside its Paxos round: it may or may not have been applied,
    /// and only a read at serial consistency tells which.
    public var isUnknownConditionalOutcome: Bool {
        if case .writeTimeout(_, _, _, let writeType) = details {
            return writeType == .cas
        }
        return false
    }

    /// Whether the request failed before the coordinator did anything, so another node may run it safely.
    public var isSafeToRetryElsewhere: Bool {
        code == .overloaded || code == .isBootstrapping
    }

    public var description: String {
        "CQLServerError(\(code)): \(message)"
    }
}

/// The kind of write a write timeout or failure reports.
public struct CQLWriteType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A single-partition write.
    public static let simple = CQLWriteType(rawValue: "SIMPLE")
    /// A logged batch, after its batch log write succeeded.
    public static let batch = CQLWriteType(rawValue: "BATCH")
    /// An unlogged batch: some of it may have been applied.
    public static let unloggedBatch = CQLWriteType(rawValue: "UNLOGGED_BATCH")
    /// A counter write: not safe to replay.
    public static let counter = CQLWriteType(rawValue: "COUNTER")
    /// The batch log write of a logged batch: the batch was not applied.
    public static let batchLog = CQLWriteType(rawValue: "BATCH_LOG")
    /// A Paxos phase of a lightweight transaction: the outcome is unknown.
    public static let cas = CQLWriteType(rawValue: "CAS")
    /// A materialised view update.
    public static let view = CQLWriteType(rawValue: "VIEW")
    /// A change data capture write.
    public static let cdc = CQLWriteType(rawValue: "CDC")

    public var description: String { rawValue }
}
