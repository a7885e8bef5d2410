/// The raw SQLite baseline of the benchmarks: what the same rows cost without the actor runtime.
public enum SQLiteBaseline {
    /// Upserts `count` items of one actor straight into a new database file through the store's own schema,
    /// settings and statement, with one commit per `rowsPerCommit` rows, on the calling thread.
    ///
    /// - Parameters:
    ///   - path: A file that does not exist yet.
    ///   - name: The actor whose items are written.
    ///   - module: The module of the items.
    ///   - count: How many rows; row `i` has key `key(i)` and value `value(i)`.
    ///   - key: The key of row `i`.
    ///   - value: The value of row `i`.
    /// - Returns: The seconds the upserts and commits took. The work runs on a thread of its own.
    public static func upsertRows(
        path: String,
        synchronous: SQLiteSynchronous = .full,
        name: ActorName,
        module: String,
        count: Int,
        rowsPerCommit: Int = 10_000,
        key: @escaping @Sendable (Int) -> String,
        value: @escaping @Sendable (Int) -> [UInt8]
    ) async throws -> Double {
        let thread = WorkerThread(name: "dna-sqlite-baseline")
        defer { thread.shutdown() }
        return try await thread.run {
            try upsertRowsBlocking(
                path: path,
                synchronous: synchronous,
                name: name,
                module: module,
                count: count,
                rowsPerCommit: rowsPerCommit,
                key: key,
                value: value
            )
        }
    }

    private static func upsertRowsBlocking(
        path: String,
        synchronous: SQLiteSynchronous = .full,
        name: ActorName,
        module: String,
        count: Int,
        rowsPerCommit: Int = 10_000,
        key: (Int) -> String,
        value: (Int) -> [UInt8]
    ) throws -> Double {
        let connection = try SQLiteConnection(path: path, create: true)
        try SQLiteSchema.configure(connection, synchronous: synchronous)
        try SQLiteSchema.migrate(connection)

        let started = MonotonicInstant.now()
        let upsert = try connection.statement(SQLiteStatements.upsertItem)
        upsert.bind(1, name: name)
        upsert.bind(4, module)
        var row = 0
        while row < count {
            try connection.execute("BEGIN IMMEDIATE")
            let end = min(count, row + rowsPerCommit)
            while row < end {
                upsert.reset()
                upsert.bind(5, key(row))
                upsert.bind(6, blob: value(row))
                try upsert.run()
                row += 1
            }
            try connection.execute("COMMIT")
        }
        return (MonotonicInstant.now() - started).inSeconds
    }
}
