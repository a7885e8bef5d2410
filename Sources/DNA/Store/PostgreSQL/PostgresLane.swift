import Synchronization

/// One connection of the pool and the thread of its own that drives it.
///
/// The thread takes every job queued while it was busy, sends all of them in libpq's pipeline mode (each job
/// ending in its own synchronisation point, so each is its own transaction), flushes once and then reads the
/// results in order. Many concurrent operations thus share one round trip. A connection that broke fails the
/// jobs whose results had not come back and is replaced on the next job.
final class PostgresLane: Sendable {
    private let thread: JobThread<PostgresJob>
    private let slot: Slot
    private let load: Load

    /// Holds the lane's connection for its thread.
    private final class Slot: @unchecked Sendable {
        // @unchecked: `connection` is used by the lane's thread only, and by `close()` after that thread ended.
        var connection: PostgresConnection?
    }

    /// Jobs submitted and not yet completed, for the pool's choice of the least busy lane.
    private final class Load: Sendable {
        let pending = Atomic<Int>(0)
    }

    init(name: String, configuration: PostgresConfiguration, schema: String?) {
        let slot = Slot()
        let load = Load()
        self.slot = slot
        self.load = load
        thread = JobThread(name: name) { jobs in
            Self.run(jobs, slot: slot, configuration: configuration, schema: schema)
            load.pending.subtract(jobs.count, ordering: .relaxed)
        }
    }

    /// Jobs submitted and not yet completed.
    var pending: Int {
        load.pending.load(ordering: .relaxed)
    }

    /// Queues a job. Returns `false` when the lane is closed.
    func submit(_ job: PostgresJob) -> Bool {
        load.pending.add(1, ordering: .relaxed)
        guard thread.submit(job) else {
            load.pending.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Finishes the queued jobs, stops the thread and closes the connection.
    ///
    /// - Important: Blocks the calling thread until the lane's thread has ended.
    func close() {
        thread.shutdown()
        slot.connection = nil
    }

    // MARK: On the lane's thread

    private static func run(_ jobs: [PostgresJob], slot: Slot, configuration: PostgresConfiguration, schema: String?) {
        let connection: PostgresConnection
        do {
            connection = try connected(slot, configuration: configuration, schema: schema)
        } catch {
            fail(jobs[...], with: error)
            return
        }

        // A job without statements only wanted the connection up, and it is.
        for job in jobs where job.queries.isEmpty {
            job.complete(.success([]))
        }
        let sending = jobs.filter { !$0.queries.isEmpty }
        do {
            for job in sending {
                try send(job, on: connection)
            }
            try connection.flush()
        } catch {
            slot.connection = nil
            fail(sending[...], with: error)
            return
        }

        for index in sending.indices {
            let job = sending[index]
            do {
                job.complete(outcome(of: job, try connection.readUntilSync()))
            } catch {
                slot.connection = nil
                fail(sending[index...], with: error)
                return
            }
        }
    }

    /// The lane's connection, made (and its statements prepared) if there is none or the last one broke.
    private static func connected(
        _ slot: Slot,
        configuration: PostgresConfiguration,
        schema: String?
    ) throws(DNAError) -> PostgresConnection {
        if let connection = slot.connection, connection.isAliveWhenIdle() {
            return connection
        }
        slot.connection = nil
        let connection = try PostgresConnection(configuration)
        // Four fifths of the client's timeout: the server gives up first (see `configure`).
        let statementTimeout = configuration.operationTimeout * 4 / 5
        try PostgresSchema.configure(connection, schema: schema, statementTimeout: statementTimeout)
        try connection.enterPipelineMode()
        for statement in PostgresStatement.allCases {
            try connection.sendPrepare(statement.name, statement.sql)
        }
        try connection.sync()
        try connection.flush()
        for (statement, result) in zip(PostgresStatement.allCases, try connection.readUntilSync())
        where !result.succeeded {
            throw result.error(doing: "the preparation of \(statement.name)")
        }
        slot.connection = connection
        return connection
    }

    private static func send(_ job: PostgresJob, on connection: PostgresConnection) throws(DNAError) {
        for query in job.queries {
            try connection.send(prepared: query.statement.name, query.parameters)
        }
        try connection.sync()
    }

    /// The job's own results, or the error of the first statement that failed.
    private static func outcome(of job: PostgresJob, _ results: [PostgresResult]) -> PostgresJob.Outcome {
        for (query, result) in zip(job.queries, results) where !result.succeeded {
            return .failure(result.error(doing: query.statement.name))
        }
        guard results.count == job.queries.count else {
            let counts = "\(results.count) results for \(job.queries.count) statements"
            return .failure(DNAError(.storeUnavailable, "PostgreSQL returned \(counts)"))
        }
        return .success(results)
    }

    private static func fail(_ jobs: ArraySlice<PostgresJob>, with error: any Error) {
        let failure = DNAError.wrapping(error, as: .storeUnavailable, "PostgreSQL failed")
        for job in jobs {
            job.complete(.failure(failure))
        }
    }
}
