/// The single writing connection of a SQLite store, on a thread of its own, committing jobs in groups.
///
/// Every job that queued up while the previous transaction ran goes into the next transaction, each inside a
/// savepoint so that one failing job leaves the others intact. Callers hear back only after the commit, so a
/// group costs one commit (and, with `synchronous = FULL`, one sync) however many jobs it holds.
final class SQLiteWriter: Sendable {
    /// One write: its body runs inside the transaction; `finish` runs after the commit with the commit's error.
    struct Job: Sendable {
        /// Runs the body; returns how to finish once the transaction's fate is known, or the body's error.
        let execute: @Sendable (SQLiteConnection) -> Result<@Sendable ((any Error)?) -> Void, any Error>
        /// Fails the job: its body threw, or its transaction could not begin.
        let fail: @Sendable (any Error) -> Void
    }

    private let thread: JobThread<Job>

    init(connection: ConnectionBox, name: String) {
        thread = JobThread(name: name) { jobs in
            guard let connection = connection.connection else {
                return
            }
            Self.commit(jobs, on: connection)
        }
    }

    /// Runs `body` in the next group's transaction and returns its result once committed.
    func write<Value: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> Value) async throws -> Value {
        try await withUnsafeThrowingContinuation { continuation in
            let job = Job(
                execute: { connection in
                    do {
                        let value = try body(connection)
                        return .success { commitError in
                            if let commitError {
                                continuation.resume(throwing: commitError)
                            } else {
                                continuation.resume(returning: value)
                            }
                        }
                    } catch {
                        return .failure(error)
                    }
                },
                fail: { continuation.resume(throwing: $0) }
            )
            if !thread.submit(job) {
                continuation.resume(throwing: DNAError(.storeUnavailable, "the SQLite store is closed"))
            }
        }
    }

    func shutdown() {
        thread.shutdown()
    }

    private static func commit(_ jobs: [Job], on connection: SQLiteConnection) {
        do {
            try connection.execute("BEGIN IMMEDIATE")
        } catch {
            for job in jobs {
                job.fail(error)
            }
            return
        }

        let grouped = jobs.count > 1
        var finishers: [@Sendable ((any Error)?) -> Void] = []
        var failures: [(Job, any Error)] = []
        for job in jobs {
            if grouped {
                try? connection.execute("SAVEPOINT job")
            }
            switch job.execute(connection) {
            case .success(let finish):
                finishers.append(finish)
                if grouped {
                    try? connection.execute("RELEASE job")
                }
            case .failure(let error):
                failures.append((job, error))
                if grouped {
                    try? connection.execute("ROLLBACK TO job")
                    try? connection.execute("RELEASE job")
                }
            }
        }

        var commitError: (any Error)?
        do {
            if finishers.isEmpty {
                try connection.execute("ROLLBACK")
            } else {
                try connection.execute("COMMIT")
            }
        } catch {
            commitError = error
            if connection.inTransaction {
                try? connection.execute("ROLLBACK")
            }
        }
        for (job, error) in failures {
            job.fail(error)
        }
        for finish in finishers {
            finish(commitError)
        }
    }
}

/// Holds a connection for the job thread that owns it.
final class ConnectionBox: @unchecked Sendable {
    // @unchecked: the connection is set before the thread's first job and then used by that thread only.
    var connection: SQLiteConnection?

    init(_ connection: SQLiteConnection?) {
        self.connection = connection
    }
}
