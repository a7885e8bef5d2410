internal import CSQLite

#if canImport(Glibc)
import Glibc
#endif

/// One SQLite database connection with a cache of prepared statements.
///
/// - Important: A connection is used by one thread only: the job thread that owns it.
final class SQLiteConnection {
    private let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]
    let path: String

    /// Opens (and creates, when `create` is set) a database file.
    init(path: String, create: Bool) throws(DNAError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw DNAError(.storeUnavailable, "cannot open the SQLite database \(path): \(message)")
        }
        self.handle = handle
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs SQL that returns no rows, such as pragmas, DDL and transaction control.
    func execute(_ sql: String) throws(DNAError) {
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else {
            throw error(status, doing: sql)
        }
    }

    /// Runs `sql`, retrying while another connection holds the lock it needs, for up to `patience`.
    ///
    /// For statements that SQLite's busy handler does not wait for, such as switching a new file to WAL while
    /// another process does the same. Runs on the connection's own thread, which may block.
    func executeWaitingForLock(_ sql: String, patience: Duration = .seconds(10)) throws(DNAError) {
        let deadline = MonotonicInstant.now() + patience
        while true {
            let status = sqlite3_exec(handle, sql, nil, nil, nil)
            let primary = status & 0xFF
            guard status != SQLITE_OK else {
                return
            }
            guard primary == SQLITE_BUSY || primary == SQLITE_LOCKED, MonotonicInstant.now() < deadline else {
                throw error(status, doing: sql)
            }
            usleep(5_000)
        }
    }

    /// The prepared statement for `sql`, prepared on first use and reset for reuse.
    func statement(_ sql: String) throws(DNAError) -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var raw: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard status == SQLITE_OK, let raw else {
            throw error(status, doing: sql)
        }
        let statement = SQLiteStatement(raw, connection: self)
        statements[sql] = statement
        return statement
    }

    /// Rows changed by the last statement.
    var changes: Int {
        Int(sqlite3_changes(handle))
    }

    /// Whether a transaction is open.
    var inTransaction: Bool {
        sqlite3_get_autocommit(handle) == 0
    }

    /// A store error for a failed SQLite call.
    func error(_ status: Int32, doing what: String) -> DNAError {
        let message = String(cString: sqlite3_errmsg(handle))
        let kind = String(cString: sqlite3_errstr(status))
        let operation = what.split(separator: " ").prefix(3).joined(separator: " ")
        return DNAError(.storeUnavailable, "SQLite \(kind) (\(status)) during \(operation): \(message)")
    }
}
