/// A Rows result: metadata, then rows of cells in column order.
public struct CQLRows: Sendable, Hashable {
    /// The result's metadata, including the paging state when more pages follow.
    public var metadata: CQLRowsMetadata

    /// The cells of each row, `nil` for null.
    public var cells: [[[UInt8]?]]

    public init(metadata: CQLRowsMetadata, cells: [[[UInt8]?]]) {
        self.metadata = metadata
        self.cells = cells
    }

    /// The paging state to pass with the same statement for the next page, or `nil` on the last page.
    public var pagingState: [UInt8]? { metadata.pagingState }

    /// How many rows this page holds.
    public var count: Int { cells.count }

    /// The rows, with access by column name.
    public var rows: [CQLRow] {
        let columns = CQLRow.Columns(metadata.columns)
        return cells.map { CQLRow(columns: columns, cells: $0) }
    }

    /// The first row, if any.
    public var first: CQLRow? {
        cells.first.map { CQLRow(columns: CQLRow.Columns(metadata.columns), cells: $0) }
    }

    /// The outcome of a lightweight transaction: whether it applied, and the row the server returned with it
    /// (on ScyllaDB the old values whether applied or not; on Cassandra the current values when not applied).
    ///
    /// - Returns: `nil` when the result has no boolean `[applied]` first column.
    public var conditionalOutcome: CQLConditionalOutcome? {
        guard let row = first, let firstColumn = metadata.columns.first, firstColumn.name == "[applied]",
            firstColumn.type == .boolean, let applied = try? row.decode(Bool.self, at: 0)
        else {
            return nil
        }
        return CQLConditionalOutcome(applied: applied, row: row, rows: rows)
    }

    static func decode(from reader: inout WireReader) throws(CQLClientError) -> CQLRows {
        let metadata = try CQLRowsMetadata.decode(from: &reader)
        let rowCount = try CQLRowsMetadata.decodeCount(from: &reader, "rows", minimumSize: 0)
        let columnCount = metadata.columnCount
        // Every cell takes at least its four-byte length: a count the body cannot hold is refused up front.
        guard columnCount == 0 || rowCount <= reader.remaining / (4 * columnCount) else {
            throw CQLClientError(.protocolViolation, "\(rowCount) rows of \(columnCount) cells do not fit the body")
        }
        var cells: [[[UInt8]?]] = []
        cells.reserveCapacity(rowCount)
        for _ in 0..<rowCount {
            var row: [[UInt8]?] = []
            row.reserveCapacity(columnCount)
            for _ in 0..<columnCount {
                row.append(try reader.readBytes())
            }
            cells.append(row)
        }
        return CQLRows(metadata: metadata, cells: cells)
    }
}

/// What a lightweight transaction returned.
public struct CQLConditionalOutcome: Sendable, Hashable {
    /// Whether the condition held and the write was applied.
    public var applied: Bool

    /// The first row: `[applied]`, then whatever columns the server added.
    public var row: CQLRow

    /// Every row (a conditional batch returns one per conditional statement on ScyllaDB).
    public var rows: [CQLRow]
}

/// One row of a result.
public struct CQLRow: Sendable, Hashable {
    /// Column metadata shared by the rows of one page.
    final class Columns: Sendable {
        let columns: [CQLColumn]
        let indexByName: [String: Int]

        init(_ columns: [CQLColumn]) {
            self.columns = columns
            var index: [String: Int] = [:]
            for (position, column) in columns.enumerated() where index[column.name] == nil {
                index[column.name] = position
            }
            indexByName = index
        }
    }

    let columns: Columns

    /// The cells in column order, `nil` for null.
    public let cells: [[UInt8]?]

    init(columns: Columns, cells: [[UInt8]?]) {
        self.columns = columns
        self.cells = cells
    }

    public static func == (lhs: CQLRow, rhs: CQLRow) -> Bool {
        lhs.cells == rhs.cells && lhs.columns.columns == rhs.columns.columns
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(cells)
    }

    /// The row's columns.
    public var columnMetadata: [CQLColumn] { columns.columns }

    /// Whether the row has a column of that name.
    public func has(_ column: String) -> Bool {
        columns.indexByName[column] != nil
    }

    /// Decodes the cell at `index`.
    ///
    /// - Returns: `nil` when the cell is null.
    /// - Throws: ``CQLClientError/Code/typeMismatch`` when the column is missing or has another type.
    public func decode<Value: CQLDecodable>(_ type: Value.Type, at index: Int) throws(CQLClientError) -> Value? {
        guard index >= 0, index < cells.count else {
            throw CQLClientError(.typeMismatch, "the row has no column \(index)")
        }
        guard let bytes = cells[index] else {
            return nil
        }
        // Without metadata (No_metadata) only raw bytes can be read; treat the column as a blob.
        let columnType = index < columns.columns.count ? columns.columns[index].type : .blob
        return try Value(cqlBytes: bytes, type: columnType)
    }

    /// Decodes the cell of the column named `column`, or returns `nil` when the row has no such column.
    public func decodeIfPresent<Value: CQLDecodable>(
        _ type: Value.Type,
        _ column: String
    ) throws(CQLClientError) -> Value? {
        guard let index = columns.indexByName[column] else {
            return nil
        }
        return try decode(type, at: index)
    }

    /// Decodes the cell of the column named `column`.
    ///
    /// - Returns: `nil` when the cell is null.
    /// - Throws: ``CQLClientError/Code/typeMismatch`` when there is no such column or it has another type.
    public func decode<Value: CQLDecodable>(_ type: Value.Type, _ column: String) throws(CQLClientError) -> Value? {
        guard let index = columns.indexByName[column] else {
            throw CQLClientError(.typeMismatch, "the row has no column \"\(column)\"")
        }
        return try decode(type, at: index)
    }
}
