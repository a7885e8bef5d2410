internal import CSQLite

/// A prepared SQLite statement: bind parameters, step through rows, read columns.
///
/// Bindings survive a reset, so a statement run for many rows binds the parameters shared by all rows once.
final class SQLiteStatement {
    private let raw: OpaquePointer
    private unowned let connection: SQLiteConnection

    /// SQLite copies bound text and blobs when told that their memory is transient.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ raw: OpaquePointer, connection: SQLiteConnection) {
        self.raw = raw
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(raw)
    }

    func reset() {
        sqlite3_reset(raw)
    }

    func bind(_ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(raw, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    func bind(_ index: Int32, _ text: String?) {
        guard let text else {
            sqlite3_bind_null(raw, index)
            return
        }
        bind(index, text)
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(raw, index, value)
    }

    func bind(_ index: Int32, blob: [UInt8]) {
        guard !blob.isEmpty else {
            // An empty buffer has no base address, which SQLite would store as NULL.
            sqlite3_bind_zeroblob(raw, index, 0)
            return
        }
        blob.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(raw, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    /// Binds the three columns of an actor name at `first`, `first + 1` and `first + 2`.
    func bind(_ first: Int32, name: ActorName) {
        bind(first, name.namespace)
        bind(first + 1, name.type.name)
        bind(first + 2, name.key)
    }

    /// Advances to the next row. Returns `false` when the statement is done.
    func step() throws(DNAError) -> Bool {
        let status = sqlite3_step(raw)
        switch status {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            let failure = connection.error(status, doing: String(cString: sqlite3_sql(raw)))
            sqlite3_reset(raw)
            throw failure
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws(DNAError) {
        while try step() {}
    }

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(raw, column) == SQLITE_NULL
    }

    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(raw, column)
    }

    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(raw, column) else {
            return nil
        }
        let count = Int(sqlite3_column_bytes(raw, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(raw, column))
        guard count > 0, let pointer = sqlite3_column_blob(raw, column) else {
            return []
        }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
