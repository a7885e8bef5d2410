/// One run of a prepared statement: which one, with which parameters.
struct PostgresQuery: Sendable {
    var statement: PostgresStatement
    var parameters: PostgresParameters
}

/// Statements that run as one unit on one pooled connection, and what to do with their results.
///
/// The statements are queued in pipeline mode and followed by one synchronisation point. The server runs
/// everything between two synchronisation points as one implicit transaction, committed at the point: an
/// error in one statement skips the rest and rolls all of them back. (An explicit `BEGIN` would not do: after
/// an error it would leave the session in an aborted transaction until a `ROLLBACK`.)
struct PostgresJob: Sendable {
    /// The results of the job's statements (one each, in order), or the error that stopped them.
    typealias Outcome = Result<[PostgresResult], DNAError>

    /// The statements, in order. A job with none only makes sure that its connection is up.
    var queries: [PostgresQuery]

    /// Runs on the connection's thread with the results of `queries` (one each, in order), or the error that
    /// stopped them.
    var complete: @Sendable (Outcome) -> Void
}
