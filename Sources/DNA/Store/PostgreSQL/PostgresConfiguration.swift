/// How a ``PostgresStore`` reaches its server: the connection string, the pool and the schema.
///
/// The connection string is anything libpq accepts: a URI such as `postgresql://dna@db.internal:5432/dna` or
/// `postgresql:///dna?host=/tmp/pg&port=5433`, or key/value pairs such as `host=/tmp/pg dbname=dna`. Its
/// password, if any, never appears in descriptions, logs or error messages.
public struct PostgresConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// The libpq connection string.
    public var url: String

    /// Connections in the pool, each served by a thread of its own. Default 8.
    ///
    /// Operations queued on one connection are sent together in libpq's pipeline mode, but the server runs
    /// them one after another, each claim and flush waiting for its own commit to reach the disk. More
    /// connections let the server work on several at once and share one disk flush among their commits.
    /// Every node opens this many: keep `connections` times the number of nodes below the server's
    /// `max_connections`.
    public var connections: Int

    /// The schema that holds DNA's tables, created when missing; `nil` keeps the server's search path (usually
    /// `public`). A name of ASCII letters, digits and underscores, not starting with a digit.
    public var schema: String?

    /// How long an operation may go without hearing from the server before its connection is dropped and the
    /// operation fails with ``DNAError/Code/storeUnavailable``. Default 30 seconds.
    public var operationTimeout: Duration

    /// How long connecting may take, unless the connection string sets `connect_timeout`. Default 10 seconds.
    public var connectTimeout: Duration

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - url: The libpq connection string (URI or key/value pairs).
    ///   - connections: Connections in the pool (at least 1).
    ///   - schema: The schema for DNA's tables, or `nil` for the search path's default.
    public init(url: String, connections: Int = 8, schema: String? = nil) {
        self.url = url
        self.connections = max(1, connections)
        self.schema = schema
        self.operationTimeout = .seconds(30)
        self.connectTimeout = .seconds(10)
    }

    /// The connection string with its password replaced by `***`, prefixed with `postgres:`.
    public var description: String {
        "postgres:\(PostgresConnectionString.redacted(url))"
    }

    /// The schema name quoted for SQL, after checking that it is a plain identifier.
    func quotedSchema() throws(DNAError) -> String? {
        guard let schema else {
            return nil
        }
        let scalars = Array(schema.unicodeScalars)
        let letter = { (scalar: Unicode.Scalar) in ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        let digit = { (scalar: Unicode.Scalar) in ("0"..."9").contains(scalar) }
        guard let first = scalars.first, scalars.count <= 63, letter(first) || first == "_",
            scalars.allSatisfy({ letter($0) || digit($0) || $0 == "_" })
        else {
            throw DNAError(.badRequest, "\"\(schema)\" is not a plain schema name (letters, digits, underscores)")
        }
        return "\"\(schema)\""
    }
}
