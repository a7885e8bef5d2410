internal import CLibPQ

/// The result of one statement, with its columns read in PostgreSQL's binary format.
///
/// A column whose bytes do not have the size of its type throws ``DNAError/Code/corruptData``: the table was
/// changed behind DNA's back, or the row was written by something else.
///
/// - Important: Used on the connection's thread only; it frees the libpq result when released.
final class PostgresResult {
    private let handle: OpaquePointer

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQclear(handle)
    }

    var status: ExecStatusType {
        PQresultStatus(handle)
    }

    /// Whether the statement ran to completion (with or without rows).
    var succeeded: Bool {
        status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK
    }

    var rowCount: Int {
        Int(PQntuples(handle))
    }

    var columnCount: Int {
        Int(PQnfields(handle))
    }

    /// Rows inserted, updated or deleted by the statement, as its command tag says.
    var affectedRows: Int {
        Int(String(cString: PQcmdTuples(handle))) ?? 0
    }

    /// The SQLSTATE code of a failed statement, such as `40P01`.
    var sqlState: String? {
        field(DiagnosticField.sqlState)
    }

    /// The error of a failed statement: its SQLSTATE and primary message, never its detail, which may quote
    /// the values of the row.
    func error(doing what: String) -> DNAError {
        let state = sqlState ?? "?????"
        let message = field(DiagnosticField.primaryMessage) ?? String(cString: PQresultErrorMessage(handle))
        return DNAError(.storeUnavailable, "PostgreSQL refused \(what) (SQLSTATE \(state)): \(message)")
    }

    private func field(_ code: Int32) -> String? {
        PQresultErrorField(handle, code).map { String(cString: $0) }
    }

    // MARK: Columns

    func isNull(_ row: Int, _ column: Int) -> Bool {
        PQgetisnull(handle, Int32(row), Int32(column)) != 0
    }

    /// A `text` column, or `nil` when it is NULL.
    func text(_ row: Int, _ column: Int) -> String? {
        guard !isNull(row, column) else {
            return nil
        }
        return String(decoding: raw(row, column), as: UTF8.self)
    }

    /// A `bytea` column, or `nil` when it is NULL.
    func bytes(_ row: Int, _ column: Int) -> [UInt8]? {
        guard !isNull(row, column) else {
            return nil
        }
        return Array(raw(row, column))
    }

    func int64(_ row: Int, _ column: Int) throws(DNAError) -> Int64 {
        let data = raw(row, column)
        guard !isNull(row, column), data.count == 8 else {
            throw DNAError(.corruptData, "a PostgreSQL bigint column has \(data.count) bytes, not 8")
        }
        return Int64(bitPattern: data.reduce(UInt64(0)) { ($0 << 8) | UInt64($1) })
    }

    func bool(_ row: Int, _ column: Int) throws(DNAError) -> Bool {
        let data = raw(row, column)
        guard !isNull(row, column), data.count == 1 else {
            throw DNAError(.corruptData, "a PostgreSQL boolean column has \(data.count) bytes, not 1")
        }
        return data[0] != 0
    }

    private func raw(_ row: Int, _ column: Int) -> UnsafeRawBufferPointer {
        let count = Int(PQgetlength(handle, Int32(row), Int32(column)))
        guard count > 0, let pointer = PQgetvalue(handle, Int32(row), Int32(column)) else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(start: pointer, count: count)
    }
}

/// The diagnostic fields of `PQresultErrorField`, which libpq's header defines as character macros.
private enum DiagnosticField {
    static let sqlState = Int32(UInt8(ascii: "C"))
    static let primaryMessage = Int32(UInt8(ascii: "M"))
}
