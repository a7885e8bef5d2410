/// The tables of the PostgreSQL store, and their creation and migration.
///
/// The version lives in a one-row table, `dna_schema_version`. Every change from one version to the next is a
/// list of statements in ``migrations``; a node applies the ones its database lacks inside one transaction
/// that first takes a transaction-scoped advisory lock, so nodes starting at once migrate one after the other
/// and the later ones find the work done. Text columns use the "C" collation: keys order by their UTF-8 bytes,
/// as in every store.
enum PostgresSchema {
    /// The advisory lock key that serialises migrations: the bytes of "dna.sche" as a big-endian integer.
    static let lockKey: Int64 = 0x646E_612E_7363_6865

    /// The statements that take a database from version `index` to `index + 1`.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE dna_members (
                cluster text COLLATE "C" NOT NULL, node text COLLATE "C" NOT NULL, address text NOT NULL,
                http_address text NOT NULL, heartbeat bigint NOT NULL, load bigint NOT NULL,
                resident_actors bigint NOT NULL, draining boolean NOT NULL,
                PRIMARY KEY (cluster, node))
            """,
            """
            CREATE TABLE dna_directory (
                namespace text COLLATE "C" NOT NULL, type text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL,
                owner text COLLATE "C", epoch bigint NOT NULL,
                PRIMARY KEY (namespace, type, key))
            """,
            """
            CREATE TABLE dna_items (
                namespace text COLLATE "C" NOT NULL, type text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL,
                module text COLLATE "C" NOT NULL, item text COLLATE "C" NOT NULL, value bytea NOT NULL,
                PRIMARY KEY (namespace, type, key, module, item))
            """,
        ]
    ]

    /// The schema version this build writes and understands.
    static var version: Int { migrations.count }

    /// Creates the schema (when configured) and tables, or brings them up to ``version``.
    ///
    /// - Throws: ``DNAError/Code/corruptData`` when the database has a newer version than this build knows,
    ///   ``DNAError/Code/storeUnavailable`` when a statement fails.
    static func migrate(_ connection: PostgresConnection, schema: String?) throws(DNAError) {
        try connection.execute("BEGIN")
        do throws(DNAError) {
            var lock = PostgresParameters()
            lock.append(lockKey)
            _ = try connection.query("SELECT pg_advisory_xact_lock($1)", lock)
            if let schema {
                try connection.execute("CREATE SCHEMA IF NOT EXISTS \(schema)")
                try connection.execute("SET LOCAL search_path TO \(schema)")
            }
            try checkEncoding(connection)
            try connection.execute("CREATE TABLE IF NOT EXISTS dna_schema_version (version bigint NOT NULL)")

            let found = try currentVersion(connection)
            if found > version {
                throw DNAError(
                    .corruptData,
                    "the PostgreSQL schema has version \(found); this build understands up to \(version)"
                )
            }
            for step in migrations[found...] {
                for statement in step {
                    try connection.execute(statement)
                }
            }
            if found < version {
                try connection.execute("DELETE FROM dna_schema_version")
                try connection.execute("INSERT INTO dna_schema_version VALUES (\(version))")
            }
            try connection.execute("COMMIT")
        } catch let failure {
            if !connection.isBroken {
                _ = try? connection.execute("ROLLBACK")
            }
            throw failure
        }
    }

    /// Keys are compared as UTF-8 bytes: the database must store text as UTF-8 (or as the bytes it is given).
    private static func checkEncoding(_ connection: PostgresConnection) throws(DNAError) {
        let encoding = try connection.query("SELECT current_setting('server_encoding')").text(0, 0) ?? ""
        guard encoding == "UTF8" || encoding == "SQL_ASCII" else {
            throw DNAError(.storeUnavailable, "the PostgreSQL database's encoding is \(encoding); DNA needs UTF8")
        }
    }

    private static func currentVersion(_ connection: PostgresConnection) throws(DNAError) -> Int {
        let result = try connection.query("SELECT version FROM dna_schema_version")
        switch result.rowCount {
        case 0:
            return 0
        case 1:
            let version = try result.int64(0, 0)
            guard version >= 0 else {
                throw DNAError(.corruptData, "the PostgreSQL schema version is negative (\(version))")
            }
            return Int(version)
        default:
            throw DNAError(.corruptData, "dna_schema_version has \(result.rowCount) rows instead of one")
        }
    }

    /// Settings of every pooled connection: the schema to find the tables in and, when given, a statement
    /// timeout on the server.
    ///
    /// The server-side timeout is shorter than the client's, so that a statement stuck on a lock is cancelled
    /// by the server, which rolls it back and says so, before the client gives up on the connection. A
    /// statement the client had abandoned could otherwise still commit later, after a retry of the same flush
    /// and the flushes that followed it. For the same reason the server checks every second that the client
    /// is still there (PostgreSQL 14 and later).
    static func configure(
        _ connection: PostgresConnection,
        schema: String?,
        statementTimeout: Duration? = nil
    ) throws(DNAError) {
        if let schema {
            try connection.execute("SET search_path TO \(schema)")
        }
        if let statementTimeout {
            let (seconds, attoseconds) = statementTimeout.components
            let milliseconds = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
            try connection.execute("SET statement_timeout = \(milliseconds)")
            if connection.serverVersion >= 140_000 {
                try connection.execute("SET client_connection_check_interval = 1000")
            }
        }
    }
}
