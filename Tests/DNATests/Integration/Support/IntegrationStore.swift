import Foundation
import Testing

/// The store a multi-process test cluster shares, as the `--store` argument of `dna serve`.
///
/// Every integration test takes the store as an argument and runs once per entry of ``all``. A backend is added
/// with one line there, for example
/// `+ (ProcessInfo.processInfo.environment["DNA_TEST_POSTGRES_URL"].map { [.url("postgres", "postgres:\($0)")] } ?? [])`.
/// Clusters get unique names and actors unique keys, so a server-backed store may be shared by every test.
struct IntegrationStore: Sendable, CustomTestStringConvertible {
    /// A short name for test output.
    var name: String

    /// The `--store` argument for a cluster whose files live in `directory`.
    var argument: @Sendable (_ directory: TemporaryDirectory) -> String

    /// Whether the stopped process `pid` holds a lock that every other node's writes wait for; a stall test then
    /// resumes it and stops it again, since the cluster could not make progress past such a lock.
    var blocksWriters: @Sendable (_ pid: Int32, _ directory: TemporaryDirectory) -> Bool = { _, _ in false }

    var testDescription: String { name }

    /// One SQLite file in the cluster's temporary directory, opened by every node process.
    static let sqlite = IntegrationStore(
        name: "sqlite",
        argument: { "sqlite:\($0.path(sqliteFile))" },
        blocksWriters: { pid, directory in
            SQLiteLocks.holdsWriteLock(pid: pid, database: directory.path(sqliteFile))
        }
    )

    /// A store given by its full `--store` argument, such as `postgres:postgresql://host/db`.
    static func url(_ name: String, _ argument: String) -> IntegrationStore {
        IntegrationStore(name: name, argument: { _ in argument })
    }

    /// Every store the integration tests run on.
    static var all: [IntegrationStore] {
        [.sqlite]
    }

    private static let sqliteFile = "cluster.db"
}

/// Reads the POSIX record locks the kernel lists in `/proc/locks` to tell whether a process holds SQLite's WAL
/// write lock on a database.
///
/// In WAL mode SQLite takes its write, checkpoint and recovery locks on bytes 120, 121 and 122 of the `-shm`
/// file. A node process stopped while it held one of them would make every other node's writes wait behind it.
enum SQLiteLocks {
    static func holdsWriteLock(pid: Int32, database: String) -> Bool {
        var info = stat()
        guard stat(database + "-shm", &info) == 0,
            let table = try? String(contentsOfFile: "/proc/locks", encoding: .utf8)
        else {
            return false
        }
        let inode = "\(info.st_ino)"
        for line in table.split(separator: "\n") where !line.contains("->") {
            // "1: POSIX  ADVISORY  WRITE 4242 fd:01:1234 120 120"
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 8, fields[1] == "POSIX", fields[3] == "WRITE", fields[4] == "\(pid)",
                fields[5].split(separator: ":").last.map(String.init) == inode,
                let start = Int(fields[6]), let end = Int(fields[7]) ?? (fields[7] == "EOF" ? Int.max : nil)
            else {
                continue
            }
            if start <= 122 && end >= 120 {
                return true
            }
        }
        return false
    }
}
