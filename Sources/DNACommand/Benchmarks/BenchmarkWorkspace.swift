import Foundation

/// Where a benchmark keeps its files: the store given on the command line, or a temporary SQLite file that is
/// removed afterwards, and a file for the raw baseline next to it.
struct BenchmarkWorkspace {
    let store: StoreArgument
    let baselinePath: String?
    private let temporary: URL?

    init(store: StoreArgument) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dna-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        temporary = directory
        switch store {
        case .memory:
            self.store = .memory
            baselinePath = nil
        case .cql:
            // The keyspace is the user's: the benchmark writes into it and has no raw baseline to compare with.
            self.store = store
            baselinePath = nil
        case .sqlite(let path):
            guard !FileManager.default.fileExists(atPath: path) else {
                throw BenchmarkError("\(path) exists; a benchmark needs a new file")
            }
            self.store = store
            baselinePath = directory.appendingPathComponent("baseline.db").path
        }
    }

    /// A path for a file of the benchmark's own, removed with the workspace.
    func file(_ name: String) -> String {
        (temporary ?? FileManager.default.temporaryDirectory).appendingPathComponent(name).path
    }

    /// A path for a temporary SQLite file, the default store of the benchmarks.
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("dna-bench-\(UUID().uuidString).db").path
    }

    func remove() {
        if let temporary {
            try? FileManager.default.removeItem(at: temporary)
        }
        if case .sqlite(let path) = store {
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: path + suffix)
            }
        }
    }
}

/// A benchmark that could not run or whose result failed its own checks.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
