import Foundation
import Testing

@testable import DNA

/// What the PostgreSQL store does beyond the shared contract (see the conformance suite): its schema,
/// reconnection, errors and what it keeps out of them.
@Suite("PostgreSQL store", .timeLimit(.minutes(2)))
struct PostgresStoreTests {
    @Test("connection strings lose their password in descriptions")
    func redaction() {
        let cases = [
            ("postgresql://dna:s3cret@db.internal:5432/dna", "postgresql://dna:***@db.internal:5432/dna"),
            ("postgres://dna@db/dna?sslmode=require", "postgres://dna@db/dna?sslmode=require"),
            (
                "postgresql:///dna?host=/tmp/pg&password=s3cret&port=5433",
                "postgresql:///dna?host=/tmp/pg&password=***&port=5433"
            ),
            ("postgresql://a:b%40c@h/d", "postgresql://a:***@h/d"),
            ("host=/tmp/pg password=s3cret dbname=dna", "host=/tmp/pg password=*** dbname=dna"),
            ("host=h password = 'it\\'s s3cret' user=u", "host=h password = *** user=u"),
            ("host=h password='a b\\\\' dbname=d", "host=h password=*** dbname=d"),
            ("dbname=dna", "dbname=dna"),
        ]
        for (url, expected) in cases {
            #expect(PostgresConnectionString.redacted(url) == expected)
        }
        #expect(PostgresConfiguration(url: cases[0].0).description == "postgres:" + cases[0].1)
    }

    @Test("an unreachable server fails with storeUnavailable, and the message holds no password")
    func unreachable() async throws {
        let directory = try TemporaryDirectory()
        let configuration = PostgresConfiguration(url: "postgresql://dna:s3cret-pw@/dna?host=\(directory.path("none"))")
        let error = await #expect(throws: DNAError.self) { try await PostgresStore.open(configuration) }
        #expect(error?.code == .storeUnavailable)
        #expect(error?.message.contains("s3cret-pw") == false)
        #expect(error?.description.contains("s3cret-pw") == false)
        #expect(error?.message.contains("cannot connect to PostgreSQL") == true)
    }

    @Test("flushes are cut into statements of bounded size whose deletes name one module")
    func chunks() {
        let writes = (0..<25_000).map { StoredWrite(module: "m", key: "k\($0)", value: [1]) }
        #expect(PostgresStore.chunks(of: writes).map(\.count) == [10_000, 10_000, 5_000])
        #expect(PostgresStore.chunks(of: []).map(\.count) == [0], "an empty flush still checks its fence")

        let mixed = PostgresStore.lastWritePerKey([
            StoredWrite(module: "b", key: "x", value: nil),
            StoredWrite(module: "a", key: "y", value: nil),
            StoredWrite(module: "a", key: "x", value: [1]),
            StoredWrite(module: "a", key: "x", value: nil),
            StoredWrite(module: "b", key: "y", value: [2]),
        ])
        #expect(mixed.map { "\($0.module)/\($0.key)" } == ["a/x", "a/y", "b/x", "b/y"])
        #expect(mixed[0].value == nil, "the last write of a key wins")
        let split = PostgresStore.chunks(of: mixed)
        #expect(split.map(\.count) == [2, 2])

        let big = (0..<40).map { StoredWrite(module: "m", key: "k\($0)", value: [UInt8](repeating: 0, count: 1 << 20)) }
        #expect(PostgresStore.chunks(of: big).map(\.count) == [32, 8])
    }

    @Test("malformed rows read as corruptData")
    func malformedRows() async throws {
        try await withPostgres { store, configuration in
            let name = ActorName(type: "pg.test", key: "malformed")
            let claimed = try await store.claim(name, for: NodeID.make())
            try await Self.execute(
                configuration,
                "UPDATE dna_directory SET owner = 'not a node' WHERE key = 'malformed'"
            )
            let ownerError = await #expect(throws: DNAError.self) { try await store.owner(of: name) }
            #expect(ownerError?.code == .corruptData)
            let claimError = await #expect(throws: DNAError.self) { try await store.claim(name, for: NodeID.make()) }
            #expect(claimError?.code == .corruptData)
            let fenced = await #expect(throws: DNAError.self) {
                try await store.mutate(name, fence: claimed, writes: [StoredWrite(module: "m", key: "k", value: [1])])
            }
            #expect(fenced?.code == .fenced)

            try await Self.execute(
                configuration,
                "INSERT INTO dna_members VALUES ('c', 'garbage', 'a', '', 1, 0, 0, false)"
            )
            let memberError = await #expect(throws: DNAError.self) { try await store.listMembers(cluster: "c") }
            #expect(memberError?.code == .corruptData)
        }
    }

    @Test("a text with the NUL character is refused before anything is written")
    func nulCharacter() async throws {
        try await withPostgres { store, _ in
            let name = ActorName(type: "pg.test", key: "nul")
            let fence = try await store.claim(name, for: NodeID.make())
            let error = await #expect(throws: DNAError.self) {
                try await store.mutate(
                    name,
                    fence: fence,
                    writes: [
                        StoredWrite(module: "m", key: "fine", value: [1]),
                        StoredWrite(module: "m", key: "bad\u{0}key", value: [2]),
                    ]
                )
            }
            #expect(error?.code == .badRequest)
            #expect(try await store.get(name, module: "m", key: "fine") == nil)
        }
    }

    @Test("nodes opening one new schema at once migrate it once")
    func concurrentMigrations() async throws {
        try await withPostgresConfiguration { configuration in
            try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await PostgresStore.open(configuration) }
                }
                for try await store in group {
                    await store.close()
                }
            }
            let versions = try await Self.query(configuration, "SELECT version::text FROM dna_schema_version")
            #expect(versions == [[String(PostgresSchema.version)]])
        }
    }

    @Test("a database with a newer schema version is refused")
    func newerSchema() async throws {
        try await withPostgres { store, configuration in
            await store.close()
            try await Self.execute(configuration, "UPDATE dna_schema_version SET version = version + 1")
            let error = await #expect(throws: DNAError.self) { try await PostgresStore.open(configuration) }
            #expect(error?.code == .corruptData)
        }
    }

    @Test("connections the server ended while idle are replaced before the next operation")
    func reconnects() async throws {
        try await withPostgres(connections: 3) { store, configuration in
            let name = ActorName(type: "pg.test", key: "reconnect")
            let fence = try await store.claim(name, for: NodeID.make())
            let application = try #require(configuration.schema)
            let terminated = try await Self.query(
                configuration,
                "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity WHERE application_name = '\(application)' AND pid <> pg_backend_pid()"
            )
            #expect(terminated.count == 3)
            try await Self.waitUntil(
                configuration,
                "SELECT count(*)::text FROM pg_stat_activity WHERE application_name = '\(application)' AND pid <> pg_backend_pid()",
                is: "0"
            )

            // Concurrent operations spread over every lane; none of them may see a dead connection.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        try await store.mutate(
                            name,
                            fence: fence,
                            writes: [StoredWrite(module: "m", key: "k\(index)", value: [1])]
                        )
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.list(name, module: "m", query: .prefix("", limit: 100)).count == 12)
        }
    }

    @Test("a statement stuck on a lock is cancelled by the server before the client gives up")
    func serverTimeout() async throws {
        try await withPostgres(operationTimeout: .seconds(2)) { store, configuration in
            let name = ActorName(type: "pg.test", key: "timeout")
            let fence = try await store.claim(name, for: NodeID.make())
            let control = PostgresServerControl(configuration: configuration)
            try await control.blockItem(name, module: "m", key: "k5")

            let started = ContinuousClock.now
            let writes = (0..<10).map { StoredWrite(module: "m", key: "k\($0)", value: [1]) }
            let error = await #expect(throws: DNAError.self) {
                try await store.mutate(name, fence: fence, writes: writes)
            }
            #expect(error?.code == .storeUnavailable)
            #expect(error?.message.contains("57014") == true, "the server cancelled it: \(error?.message ?? "")")
            #expect(ContinuousClock.now - started < .seconds(2))
            try await control.unblock()

            #expect(try await store.get(name, module: "m", key: "k0") == nil)
            try await store.mutate(name, fence: fence, writes: writes)
            #expect(try await store.list(name, module: "m", query: .prefix("", limit: 100)).count == 10)
        }
    }

    @Test("a node on PostgreSQL keeps its actors' state across restarts")
    func nodeRestart() async throws {
        try await withPostgresConfiguration { configuration in
            let probe = Probe()
            let first = try await TestNodes.start(store: .postgres(configuration))
            let handle = first.actor(Ledger.self, key: probe.key)
            #expect(try await handle.call(.add(5)) == .total(5))
            #expect(try await handle.call(.add(2)) == .total(7))
            await first.shutdown()

            let second = try await TestNodes.start(store: .postgres(configuration))
            #expect(try await second.actor(Ledger.self, key: probe.key).call(.total) == .total(7))
            #expect(probe.initialisations.count == 2)
            await second.shutdown()
        }
    }

    // MARK: Helpers

    /// Runs `body` with a store on a schema of its own on the test server (or skips), then drops the schema.
    private func withPostgres(
        connections: Int = 2,
        operationTimeout: Duration? = nil,
        _ body: (PostgresStore, PostgresConfiguration) async throws -> Void
    ) async throws {
        try await withPostgresConfiguration(connections: connections) { configuration in
            var configuration = configuration
            configuration.operationTimeout = operationTimeout ?? configuration.operationTimeout
            let store = try await PostgresStore.open(configuration)
            do {
                try await body(store, configuration)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }

    /// Runs `body` with a configuration for a new schema on the test server (or skips), then drops the schema.
    private func withPostgresConfiguration(
        connections: Int = 2,
        _ body: (PostgresConfiguration) async throws -> Void
    ) async throws {
        let url: String
        switch await PostgresTestServer.status() {
        case .running(let running):
            url = running
        case .unavailable(let reason):
            Issue.record("skipped: PostgreSQL: \(reason)", severity: .warning)
            try Test.cancel("PostgreSQL: \(reason)")
        case .failed(let reason):
            Issue.record("\(reason)")
            return
        }
        let configuration = PostgresTestServer.configuration(url: url, connections: connections)
        do {
            try await body(configuration)
        } catch {
            try? await PostgresStore.dropSchema(configuration)
            throw error
        }
        try await PostgresStore.dropSchema(configuration)
    }

    private static func execute(_ configuration: PostgresConfiguration, _ sql: String) async throws {
        _ = try await query(configuration, sql)
    }

    /// Runs SQL whose columns are all text on a connection of its own, on a thread of its own.
    private static func query(_ configuration: PostgresConfiguration, _ sql: String) async throws -> [[String?]] {
        let thread = WorkerThread(name: "dna-test-postgres-sql")
        defer { thread.shutdown() }
        return try await thread.run {
            let connection = try PostgresConnection(configuration)
            try PostgresSchema.configure(connection, schema: try configuration.quotedSchema())
            let result = try connection.query(sql)
            return (0..<result.rowCount).map { row in (0..<result.columnCount).map { result.text(row, $0) } }
        }
    }

    /// Polls a one-value query until it returns `expected`, for at most ten seconds.
    private static func waitUntil(
        _ configuration: PostgresConfiguration,
        _ sql: String,
        is expected: String
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while try await query(configuration, sql) != [[expected]] {
            guard ContinuousClock.now < deadline else {
                throw DNAError(.timedOut, "\(sql) did not return \(expected) within ten seconds")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
