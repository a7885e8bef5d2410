import Foundation

@testable import DNA

/// Lets conformance tests stop a PostgreSQL store's statement in the middle, watch it wait, and kill it.
///
/// A connection of its own inserts one item in a transaction it keeps open: a mutate that writes that key
/// stops there, waiting for the lock, with the rows before it written but not committed. Statements are found
/// in `pg_stat_activity` by their text and by the test schema's `application_name`.
final class PostgresServerControl: StoreServerControl, @unchecked Sendable {
    // @unchecked: `blocker` is used only on `thread`, whose jobs run one after another.
    private var blocker: PostgresConnection?
    private let thread = WorkerThread(name: "dna-test-postgres-control")
    private let configuration: PostgresConfiguration
    private let application: String

    init(configuration: PostgresConfiguration) {
        self.configuration = configuration
        self.application = configuration.schema ?? "dna"
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

    func unblock() async throws {
        try await thread.run { [self] in
            try blocker?.execute("ROLLBACK")
            blocker = nil
        }
    }

    func isWaiting(_ statement: StoreStatementKind) async throws -> Bool {
        try await !waitingBackends(statement).isEmpty
    }

    func waitUntilWaiting(_ statement: StoreStatementKind) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try await !isWaiting(statement) {
            guard ContinuousClock.now < deadline else {
                throw DNAError(.timedOut, "no \(statement) came to wait for a lock")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func killWaiting(_ statement: StoreStatementKind) async throws {
        let pids = try await waitingBackends(statement)
        guard !pids.isEmpty else {
            throw DNAError(.internal, "no \(statement) is waiting for a lock")
        }
        try await thread.run { [self] in
            _ = try connect().query(
                "SELECT pg_terminate_backend(pid) FROM unnest('{\(pids.joined(separator: ","))}'::int[]) AS pid"
            )
        }
    }

    /// The backends of the test's store that run `statement` and wait for a lock.
    private func waitingBackends(_ statement: StoreStatementKind) async throws -> [String] {
        let prefix =
            switch statement {
            case .mutate: "WITH fence"
            case .reclaim: "UPDATE dna_directory"
            }
        return try await thread.run { [self] in
            let sql = """
                SELECT pid::text FROM pg_stat_activity
                WHERE application_name = '\(application)' AND wait_event_type = 'Lock' AND query LIKE '\(prefix)%'
                """
            let result = try connect().query(sql)
            return (0..<result.rowCount).compactMap { result.text($0, 0) }
        }
    }

    private func connect() throws -> PostgresConnection {
        let connection = try PostgresConnection(configuration)
        try PostgresSchema.configure(connection, schema: try configuration.quotedSchema())
        return connection
    }
}
