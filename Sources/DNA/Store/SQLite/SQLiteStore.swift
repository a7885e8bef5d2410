import Synchronization

/// The embedded store: one SQLite file in WAL mode.
///
/// One writer connection commits in groups on a thread of its own; a few reader connections serve reads on
/// theirs, so no SQLite call ever blocks Swift's cooperative pool. Several node processes may open the same
/// file: writes take SQLite's write lock with `BEGIN IMMEDIATE` and wait for each other up to a busy timeout.
public final class SQLiteStore: Store {
    private let path: String
    private let writer: SQLiteWriter
    private let writerConnection: ConnectionBox
    private let readers: [(thread: WorkerThread, connection: ConnectionBox)]
    private let nextReader = Atomic<Int>(0)

    public var description: String { "sqlite:\(path)" }

    public var prefersSortedWrites: Bool { true }

    private init(
        path: String,
        writer: SQLiteWriter,
        writerConnection: ConnectionBox,
        readers: [(WorkerThread, ConnectionBox)]
    ) {
        self.path = path
        self.writer = writer
        self.writerConnection = writerConnection
        self.readers = readers
    }

    /// Opens a database file, creating it and its tables when needed.
    ///
    /// - Parameters:
    ///   - path: The file's path.
    ///   - synchronous: Whether commits are synced to disk (`.full`, the default) or only survive a process crash.
    ///   - readers: How many reader connections (and threads) to keep.
    /// - Throws: ``DNAError/Code/storeUnavailable`` when the file cannot be opened,
    ///   ``DNAError/Code/corruptData`` when it holds a newer schema.
    public static func open(
        path: String,
        synchronous: SQLiteSynchronous = .full,
        readers: Int = 2
    ) async throws -> SQLiteStore {
        let writerBox = ConnectionBox(nil)
        let setup = WorkerThread(name: "dna-sqlite-open")
        defer { setup.shutdown() }
        let readerCount = max(1, readers)
        let connections = try await setup.run { () throws(DNAError) -> ([ConnectionBox]) in
            let writer = try SQLiteConnection(path: path, create: true)
            try SQLiteSchema.configure(writer, synchronous: synchronous)
            try SQLiteSchema.migrate(writer)
            writerBox.connection = writer
            return try (0..<readerCount).map { _ throws(DNAError) in
                let reader = try SQLiteConnection(path: path, create: false)
                try SQLiteSchema.configure(reader, synchronous: synchronous)
                try reader.execute("PRAGMA query_only = ON")
                return ConnectionBox(reader)
            }
        }
        let readerThreads = connections.enumerated().map { index, box in
            (WorkerThread(name: "dna-sqlite-read-\(index)"), box)
        }
        return SQLiteStore(
            path: path,
            writer: SQLiteWriter(connection: writerBox, name: "dna-sqlite-write"),
            writerConnection: writerBox,
            readers: readerThreads
        )
    }

    public func close() async {
        writer.shutdown()
        writerConnection.connection = nil
        for reader in readers {
            reader.thread.shutdown()
            reader.connection.connection = nil
        }
    }

    // MARK: Running statements

    func write<Value: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> Value) async throws -> Value {
        try await writer.write(body)
    }

    func read<Value: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> Value) async throws -> Value {
        let index = nextReader.add(1, ordering: .relaxed).newValue % readers.count
        let reader = readers[index]
        return try await reader.thread.run {
            guard let connection = reader.connection.connection else {
                throw DNAError(.storeUnavailable, "the SQLite store is closed")
            }
            return try body(connection)
        }
    }
}
