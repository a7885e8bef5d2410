/// The raw PostgreSQL baselines of the benchmarks: what the same work costs through libpq alone, without the
/// actor runtime or the store's fencing.
public enum PostgresBaseline {
    /// Upserts `count` items of one actor through the store's tables with prepared multi-row statements,
    /// pipelined, one commit per `rowsPerCommit` rows.
    ///
    /// Each commit's statements (of `rowsPerStatement` rows each) are sent together with one synchronisation
    /// point, and the next commit starts once the server confirmed this one, as a durable writer must.
    ///
    /// - Parameters:
    ///   - configuration: The server and a schema of the baseline's own (its tables are created if needed).
    ///   - name: The actor whose items are written.
    ///   - module: The module of the items.
    ///   - count: How many rows; row `i` has key `key(i)` and value `value(i)`.
    ///   - rowsPerCommit: Rows per transaction.
    ///   - rowsPerStatement: Rows per `INSERT` statement.
    /// - Returns: The seconds the upserts and commits took, connecting and preparing excluded.
    public static func upsertRows(
        configuration: PostgresConfiguration,
        name: ActorName,
        module: String,
        count: Int,
        rowsPerCommit: Int = 10_000,
        rowsPerStatement: Int = 1_000,
        key: @escaping @Sendable (Int) -> String,
        value: @escaping @Sendable (Int) -> [UInt8]
    ) async throws -> Double {
        let schema = try configuration.quotedSchema()
        let thread = WorkerThread(name: "dna-postgres-baseline")
        defer { thread.shutdown() }
        return try await thread.run {
            let connection = try PostgresConnection(configuration)
            try PostgresSchema.migrate(connection, schema: schema)
            try PostgresSchema.configure(connection, schema: schema)
            try connection.enterPipelineMode()

            let started = MonotonicInstant.now()
            var prepared: Set<Int> = []
            var row = 0
            while row < count {
                let commitEnd = min(count, row + max(1, rowsPerCommit))
                while row < commitEnd {
                    let rows = min(commitEnd - row, max(1, rowsPerStatement))
                    if prepared.insert(rows).inserted {
                        try connection.sendPrepare("dna_baseline_upsert_\(rows)", upsertSQL(rows: rows))
                    }
                    var parameters = PostgresParameters(reservingCapacity: rows * 32)
                    try parameters.append(name: name)
                    try parameters.append(module)
                    for index in row..<(row + rows) {
                        try parameters.append(key(index))
                        parameters.append(bytes: value(index))
                    }
                    try connection.send(prepared: "dna_baseline_upsert_\(rows)", parameters)
                    row += rows
                }
                try connection.sync()
                try connection.flush()
                try check(connection.readUntilSync(), doing: "the baseline upsert")
            }
            return (MonotonicInstant.now() - started).inSeconds
        }
    }

    /// Claims `count` fresh names with the store's own claim statement (`INSERT … ON CONFLICT`), each in a
    /// transaction of its own, from `connections` connections that keep `inFlight` claims in flight between
    /// them (pipelined), on threads of their own.
    ///
    /// - Parameters:
    ///   - configuration: The server and a schema of the baseline's own (its tables are created if needed).
    ///   - count: How many names to claim.
    ///   - connections: Connections, each on a thread of its own.
    ///   - inFlight: Claims sent and not yet answered, across all connections.
    /// - Returns: The seconds the claims took, connecting and preparing excluded.
    public static func claims(
        configuration: PostgresConfiguration,
        count: Int,
        connections: Int,
        inFlight: Int
    ) async throws -> Double {
        let schema = try configuration.quotedSchema()
        let setup = WorkerThread(name: "dna-postgres-baseline-setup")
        defer { setup.shutdown() }
        try await setup.run {
            try PostgresSchema.migrate(try PostgresConnection(configuration), schema: schema)
        }

        let lanes = max(1, connections)
        let threads = (0..<lanes).map { WorkerThread(name: "dna-postgres-baseline-\($0)") }
        defer {
            for thread in threads {
                thread.shutdown()
            }
        }
        let boxes = try await withThrowingTaskGroup(of: ConnectionBox.self) { group in
            for thread in threads {
                group.addTask {
                    try await thread.run {
                        let connection = try PostgresConnection(configuration)
                        try PostgresSchema.configure(connection, schema: schema)
                        try connection.enterPipelineMode()
                        try connection.sendPrepare(PostgresStatement.claim.name, PostgresStatement.claim.sql)
                        try connection.sync()
                        try connection.flush()
                        try check(connection.readUntilSync(), doing: "the preparation of the claim")
                        return ConnectionBox(connection)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        let node = NodeID.make().description
        let window = max(1, inFlight / lanes)
        let started = MonotonicInstant.now()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (lane, (thread, box)) in zip(threads, boxes).enumerated() {
                group.addTask {
                    try await thread.run {
                        defer { box.connection = nil }  // closed on the thread that used it
                        guard let connection = box.connection else {
                            return
                        }
                        try claimBlocking(connection, lane: lane, of: lanes, count: count, window: window, node: node)
                    }
                }
            }
            try await group.waitForAll()
        }
        return (MonotonicInstant.now() - started).inSeconds
    }

    /// Claims the names `b<i>` with `i % lanes == lane`, keeping `window` claims in flight.
    private static func claimBlocking(
        _ connection: PostgresConnection,
        lane: Int,
        of lanes: Int,
        count: Int,
        window: Int,
        node: String
    ) throws {
        var next = lane
        var outstanding = 0
        while next < count || outstanding > 0 {
            while next < count, outstanding < window {
                var parameters = PostgresParameters()
                try parameters.append(name: ActorName(type: "bench.baseline", key: "b\(next)"))
                try parameters.append(node)
                try connection.send(prepared: PostgresStatement.claim.name, parameters)
                try connection.sync()
                outstanding += 1
                next += lanes
            }
            try connection.flush()
            try check(connection.readUntilSync(), doing: "a baseline claim")
            outstanding -= 1
        }
    }

    /// `INSERT … VALUES` of `rows` rows sharing the name and module ($1–$4), each with its key and value.
    static func upsertSQL(rows: Int) -> String {
        let values = (0..<rows).map { "($1, $2, $3, $4, $\(5 + 2 * $0), $\(6 + 2 * $0))" }.joined(separator: ", ")
        return """
            INSERT INTO dna_items (namespace, type, key, module, item, value) VALUES \(values)
            ON CONFLICT (namespace, type, key, module, item) DO UPDATE SET value = excluded.value
            """
    }

    private static func check(_ results: [PostgresResult], doing what: String) throws(DNAError) {
        for result in results where !result.succeeded {
            throw result.error(doing: what)
        }
    }

    /// Hands a connection from the thread that made it to the same thread's later job.
    private final class ConnectionBox: @unchecked Sendable {
        // @unchecked: the connection is made by one worker thread and used by that same thread only.
        var connection: PostgresConnection?

        init(_ connection: PostgresConnection) {
            self.connection = connection
        }
    }
}
