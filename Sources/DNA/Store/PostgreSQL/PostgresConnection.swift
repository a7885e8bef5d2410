internal import CLibPQ

#if canImport(Glibc)
import Glibc
#endif

/// One libpq connection in non-blocking mode, driven by the thread that owns it.
///
/// libpq never blocks here on its own: every wait for the socket goes through `poll` with the configured
/// timeout, so a server that stops answering fails the operation instead of hanging its thread. Once anything
/// went wrong with the socket the connection counts as broken and its owner replaces it.
///
/// - Important: A connection is used by one thread only.
final class PostgresConnection {
    private let handle: OpaquePointer
    private let timeoutMilliseconds: Int32
    /// Strings that must not appear in error messages (the password).
    private let secrets: [String]
    private let server: String

    /// Whether the connection failed and must be replaced.
    private(set) var isBroken = false

    /// Connects, blocking the calling thread for at most the connection timeout.
    ///
    /// - Throws: ``DNAError/Code/storeUnavailable`` when the server cannot be reached or refuses the login.
    init(_ configuration: PostgresConfiguration) throws(DNAError) {
        server = PostgresConnectionString.redacted(configuration.url)
        secrets = Self.passwords(in: configuration.url)
        timeoutMilliseconds = Self.milliseconds(configuration.operationTimeout)

        // Keys before the connection string are defaults that it may override; keys after it are not.
        let options = [
            ("connect_timeout", "\(max(1, Int(configuration.connectTimeout.components.seconds)))"),
            ("fallback_application_name", "dna"),
            ("dbname", configuration.url),
            ("client_encoding", "UTF8"),
        ]
        let handle = Self.withCStrings(options.map(\.0)) { keywords in
            Self.withCStrings(options.map(\.1)) { values in
                PQconnectdbParams(keywords, values, 1)
            }
        }
        guard let handle else {
            throw DNAError(.storeUnavailable, "cannot connect to PostgreSQL at \(server): out of memory")
        }
        guard PQstatus(handle) == CONNECTION_OK, PQsetnonblocking(handle, 1) == 0 else {
            let message = PostgresConnectionString.scrub(String(cString: PQerrorMessage(handle)), secrets: secrets)
            PQfinish(handle)
            throw DNAError(.storeUnavailable, "cannot connect to PostgreSQL at \(server): \(Self.trimmed(message))")
        }
        // Notices ("relation already exists, skipping") are routine; libpq would print them on stderr.
        PQsetNoticeReceiver(handle, { _, _ in }, nil)
        self.handle = handle
    }

    deinit {
        PQfinish(handle)
    }

    /// Whether an idle connection is still up.
    ///
    /// An idle session hears nothing from the server (DNA listens for no notifications), except when the
    /// server ends it (a restart, `pg_terminate_backend`, an idle timeout): then it sends an error and closes
    /// the socket, and the close may come a moment after the error. So anything readable on an idle connection
    /// counts as its end, and the connection is replaced before anything is sent on it, which spares the
    /// operations about to use it a failure.
    func isAliveWhenIdle() -> Bool {
        guard !isBroken, PQstatus(handle) == CONNECTION_OK else {
            return false
        }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, 0) != 0 {
            isBroken = true
            return false
        }
        return true
    }

    /// The server's version as libpq reports it, such as 150018 for 15.18.
    var serverVersion: Int {
        Int(PQserverVersion(handle))
    }

    // MARK: Outside pipeline mode (setup)

    /// Runs SQL text, which may hold several statements, and returns their results.
    ///
    /// - Throws: The first failed statement's error, after all results were read.
    @discardableResult
    func execute(_ sql: String) throws(DNAError) -> [PostgresResult] {
        guard PQsendQuery(handle, sql) == 1 else {
            throw brokenConnection()
        }
        return try finishStatement(sql)
    }

    /// Runs one statement with binary parameters and binary results.
    func query(
        _ sql: String,
        _ parameters: PostgresParameters = PostgresParameters()
    ) throws(DNAError) -> PostgresResult {
        let sent = parameters.withUnsafeArguments { values, lengths, formats in
            PQsendQueryParams(handle, sql, Int32(parameters.count), nil, values, lengths, formats, 1)
        }
        guard sent == 1 else {
            throw brokenConnection()
        }
        let results = try finishStatement(sql)
        guard let result = results.last else {
            throw DNAError(.storeUnavailable, "PostgreSQL returned no result for \(Self.summary(sql))")
        }
        return result
    }

    private func finishStatement(_ sql: String) throws(DNAError) -> [PostgresResult] {
        try flush()
        var results: [PostgresResult] = []
        var failure: DNAError?
        while let result = try nextResult() {
            if !result.succeeded, failure == nil {
                failure = result.error(doing: Self.summary(sql))
            }
            results.append(result)
        }
        if let failure {
            throw failure
        }
        return results
    }

    // MARK: Pipeline mode

    func enterPipelineMode() throws(DNAError) {
        guard PQenterPipelineMode(handle) == 1 else {
            throw brokenConnection()
        }
    }

    /// Queues the preparation of a named statement.
    func sendPrepare(_ name: String, _ sql: String) throws(DNAError) {
        guard PQsendPrepare(handle, name, sql, 0, nil) == 1 else {
            throw brokenConnection()
        }
    }

    /// Queues a run of a prepared statement with binary parameters and binary results.
    func send(prepared name: String, _ parameters: PostgresParameters) throws(DNAError) {
        let sent = parameters.withUnsafeArguments { values, lengths, formats in
            PQsendQueryPrepared(handle, name, Int32(parameters.count), values, lengths, formats, 1)
        }
        guard sent == 1 else {
            throw brokenConnection()
        }
    }

    /// Queues a synchronisation point: it ends the implicit transaction of the statements queued before it.
    func sync() throws(DNAError) {
        guard PQpipelineSync(handle) == 1 else {
            throw brokenConnection()
        }
    }

    /// Reads the results up to the next synchronisation point, one per statement queued before it.
    func readUntilSync() throws(DNAError) -> [PostgresResult] {
        var results: [PostgresResult] = []
        var separators = 0
        while true {
            guard let result = try nextResult() else {
                // One null result ends each statement's results; two in a row mean nothing more will come.
                separators += 1
                if separators > 1 || PQstatus(handle) != CONNECTION_OK {
                    throw brokenConnection()
                }
                continue
            }
            separators = 0
            if result.status == PGRES_PIPELINE_SYNC {
                return results
            }
            results.append(result)
        }
    }

    // MARK: The socket

    /// Sends everything queued, reading whatever the server sends meanwhile so that neither side's buffers
    /// fill up and stall the other.
    func flush() throws(DNAError) {
        while true {
            switch PQflush(handle) {
            case 0:
                return
            case 1:
                let ready = try wait(for: Int16(POLLIN | POLLOUT))
                if ready & Int16(POLLIN) != 0, PQconsumeInput(handle) == 0 {
                    throw brokenConnection()
                }
            default:
                throw brokenConnection()
            }
        }
    }

    /// The next result, waiting for the server as needed; `nil` ends one statement's results.
    private func nextResult() throws(DNAError) -> PostgresResult? {
        while PQisBusy(handle) != 0 {
            _ = try wait(for: Int16(POLLIN))
            guard PQconsumeInput(handle) == 1 else {
                throw brokenConnection()
            }
        }
        return PQgetResult(handle).map(PostgresResult.init)
    }

    /// Waits until the socket is ready for `events`; returns the events that are ready.
    private func wait(for events: Int16) throws(DNAError) -> Int16 {
        var descriptor = pollfd(fd: PQsocket(handle), events: events, revents: 0)
        while true {
            let ready = poll(&descriptor, 1, timeoutMilliseconds)
            if ready > 0 {
                return descriptor.revents
            }
            if ready == 0 {
                isBroken = true
                throw DNAError(
                    .storeUnavailable,
                    "PostgreSQL at \(server) did not answer within \(timeoutMilliseconds) ms; the connection was dropped"
                )
            }
            if errno != EINTR {
                throw brokenConnection()
            }
        }
    }

    /// Marks the connection broken and describes why, without the password.
    private func brokenConnection() -> DNAError {
        isBroken = true
        let message = PostgresConnectionString.scrub(String(cString: PQerrorMessage(handle)), secrets: secrets)
        return DNAError(.storeUnavailable, "the connection to PostgreSQL at \(server) failed: \(Self.trimmed(message))")
    }

    // MARK: Helpers

    private static func passwords(in url: String) -> [String] {
        guard let options = PQconninfoParse(url, nil) else {
            return []
        }
        defer { PQconninfoFree(options) }
        var found: [String] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val {
                found.append(String(cString: value))
            }
            option += 1
        }
        return found
    }

    private static func withCStrings<Result>(
        _ strings: [String],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> Result
    ) -> Result {
        let copies = strings.map { strdup($0) }
        defer {
            for copy in copies {
                free(copy)
            }
        }
        let pointers = copies.map { UnsafePointer($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }  // never empty: it ends with nil
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        return Int32(clamping: max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }

    private static func trimmed(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// The first words of a statement, to say which one failed without quoting all of it.
    static func summary(_ sql: String) -> String {
        sql.split(whereSeparator: \.isWhitespace).prefix(3).joined(separator: " ")
    }
}
