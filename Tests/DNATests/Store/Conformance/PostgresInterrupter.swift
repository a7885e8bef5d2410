import Foundation

@testable import DNA

/// Kills a PostgreSQL store's connection while it is in the middle of a mutate.
///
/// A second connection inserts one of the mutate's keys in a transaction it keeps open, so the mutate's
/// upsert stops at that key, waiting for the lock with the rows before it already written, uncommitted. A
/// third connection then finds the waiting backend (the one `pg_blocking_pids` says the blocker blocks) and
/// terminates it with `pg_terminate_backend`.
final class PostgresInterrupter: MutateInterrupter, @unchecked Sendable {
    // @unchecked: `blocker` is used only on `thread`, whose jobs run one after another.
    private var blocker: PostgresConnection?
    private let thread = WorkerThread(name: "dna-test-postgres-interrupter")
    private let configuration: PostgresConfiguration

    init(configuration: PostgresConfiguration) {
        self.configuration = configuration
    }

    deinit {
        thread.shutdown()
    }

    func blockItem(_ name: ActorName, module: String, key: String) async throws {
        try await thread.run { [self] in
            let connection = try connect()
            try connection.execute("BEGIN")
            var row = PostgresParameters()
            try row.append(name: name)
            try row.append(module)
            try row.append(key)
            row.append(bytes: [1])
            _ = try connection.query("INSERT INTO dna_items VALUES ($1, $2, $3, $4, $5, $6)", row)
            blocker = connection
        }
    }

    func killWaitingMutate() async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let killed = try await thread.run { [self] () throws -> Bool in
                guard let blocker else {
                    throw DNAError(.internal, "blockItem was not called")
                }
                let sql = """
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE \(blocker.backendPID) = ANY (pg_blocking_pids(pid)) AND query LIKE 'WITH fence%'
                    """
                return try connect().query(sql).rowCount > 0
            }
            if killed {
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw DNAError(.timedOut, "no mutate came to wait for the blocked key")
    }

    func unblock() async throws {
        try await thread.run { [self] in
            try blocker?.execute("ROLLBACK")
            blocker = nil
        }
    }

    private func connect() throws -> PostgresConnection {
        let connection = try PostgresConnection(configuration)
        try PostgresSchema.configure(connection, schema: try configuration.quotedSchema())
        return connection
    }
}
