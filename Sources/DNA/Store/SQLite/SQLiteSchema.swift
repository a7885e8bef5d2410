/// The tables of the SQLite store, and their creation and versioning.
///
/// The version lives in SQLite's `user_version`. The directory is keyed by the whole actor name, items by the
/// actor name then module and item key, so that one instance's items are adjacent in the table's b-tree.
enum SQLiteSchema {
    /// The schema version this build writes and understands.
    static let version: Int64 = 1

    static let create = [
        """
        CREATE TABLE IF NOT EXISTS dna_members (
            cluster TEXT NOT NULL, node TEXT NOT NULL, address TEXT NOT NULL, http_address TEXT NOT NULL,
            heartbeat INTEGER NOT NULL, load INTEGER NOT NULL, resident_actors INTEGER NOT NULL,
            draining INTEGER NOT NULL, PRIMARY KEY (cluster, node)) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS dna_directory (
            namespace TEXT NOT NULL, type TEXT NOT NULL, key TEXT NOT NULL, owner TEXT, epoch INTEGER NOT NULL,
            PRIMARY KEY (namespace, type, key)) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS dna_items (
            namespace TEXT NOT NULL, type TEXT NOT NULL, key TEXT NOT NULL, module TEXT NOT NULL,
            item TEXT NOT NULL, value BLOB NOT NULL,
            PRIMARY KEY (namespace, type, key, module, item)) WITHOUT ROWID
        """,
    ]

    /// Creates the tables on a new file and checks the version of an existing one.
    ///
    /// Runs in an immediate transaction so that node processes opening one new file at once do not race.
    static func migrate(_ connection: SQLiteConnection) throws(DNAError) {
        try connection.executeWaitingForLock("BEGIN IMMEDIATE")
        do throws(DNAError) {
            let found = try currentVersion(connection)
            if found > version {
                throw DNAError(
                    .corruptData,
                    "\(connection.path) has schema version \(found); this build understands up to \(version)"
                )
            }
            if found < version {
                for statement in create {
                    try connection.execute(statement)
                }
                try connection.execute("PRAGMA user_version = \(version)")
            }
            try connection.execute("COMMIT")
        } catch let failure {
            try? connection.execute("ROLLBACK")
            throw failure
        }
    }

    private static func currentVersion(_ connection: SQLiteConnection) throws(DNAError) -> Int64 {
        let statement = try connection.statement("PRAGMA user_version")
        defer { statement.reset() }
        guard try statement.step() else {
            return 0
        }
        return statement.int64(0)
    }

    /// Settings for every connection: WAL so that readers and processes share the file, a busy timeout so that
    /// processes wait for each other's transactions instead of failing.
    static func configure(_ connection: SQLiteConnection, synchronous: SQLiteSynchronous) throws(DNAError) {
        try connection.execute("PRAGMA busy_timeout = 10000")
        // Switching a new file to WAL needs a lock the busy timeout does not wait for when processes race.
        try connection.executeWaitingForLock("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = \(synchronous.rawValue)")
        try connection.execute("PRAGMA cache_size = -65536")
        try connection.execute("PRAGMA secure_delete = OFF")
        try connection.execute("PRAGMA temp_store = MEMORY")
    }
}
