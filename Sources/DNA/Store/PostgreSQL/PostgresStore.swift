/// The store on a PostgreSQL server, through libpq: several nodes on several hosts can share it.
///
/// A pool of connections, each driven by a thread of its own, runs every operation as one prepared statement
/// (a flush larger than one statement takes several, in one transaction), and the operations queued on one
/// connection share a round trip in libpq's pipeline mode. Opening the store creates or migrates its tables.
/// See `docs/postgres.md` for the statements and the schema.
public final class PostgresStore: Store {
    let configuration: PostgresConfiguration
    let pool: PostgresPool

    /// The most rows one flush statement writes; larger flushes send several statements in one transaction.
    static let rowsPerStatement = 10_000

    /// The most value bytes one flush statement carries, so that a flush of large values is cut into
    /// statements of bounded size.
    static let bytesPerStatement = 32 << 20

    /// The connection string without its password, as `postgres:…`.
    public var description: String { configuration.description }

    /// A claim is one conditional insert through the same pipelined connections as a read.
    public var claimsAreCheap: Bool { true }

    private init(configuration: PostgresConfiguration, pool: PostgresPool) {
        self.configuration = configuration
        self.pool = pool
    }

    /// Connects to the server, creates or migrates the schema and tables, and opens the pool.
    ///
    /// Several nodes may open the same database at once: migrations are serialised by an advisory lock.
    ///
    /// - Parameter configuration: The connection string, pool size and schema.
    /// - Throws: ``DNAError/Code/storeUnavailable`` when the server cannot be reached or refuses a statement,
    ///   ``DNAError/Code/corruptData`` when the database holds a newer schema version than this build knows,
    ///   ``DNAError/Code/badRequest`` when the schema name is not a plain identifier.
    public static func open(_ configuration: PostgresConfiguration) async throws -> PostgresStore {
        let schema = try configuration.quotedSchema()
        let setup = WorkerThread(name: "dna-postgres-open")
        defer { setup.shutdown() }
        try await setup.run {
            let connection = try PostgresConnection(configuration)
            try PostgresSchema.migrate(connection, schema: schema)
        }

        let pool = PostgresPool(configuration: configuration, schema: schema)
        do {
            try await pool.connectAll()
        } catch {
            await pool.close()
            throw error
        }
        return PostgresStore(configuration: configuration, pool: pool)
    }

    /// Drops the configuration's schema and everything in it, for tests and benchmarks that made a schema of
    /// their own. A configuration without a schema is refused: DNA never drops tables it shares.
    ///
    /// - Throws: ``DNAError/Code/badRequest`` without a schema, ``DNAError/Code/storeUnavailable`` when the
    ///   server cannot be reached or refuses.
    public static func dropSchema(_ configuration: PostgresConfiguration) async throws {
        guard let schema = try configuration.quotedSchema() else {
            throw DNAError(.badRequest, "dropSchema needs a configuration with a schema of its own")
        }
        let setup = WorkerThread(name: "dna-postgres-drop")
        defer { setup.shutdown() }
        try await setup.run {
            let connection = try PostgresConnection(configuration)
            try connection.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        }
    }

    public func close() async {
        await pool.close()
    }
}
