import DNA
import Foundation

/// Where a benchmark keeps its data, so that runs never see each other's rows.
///
/// SQLite: the file given on the command line (it must not exist yet) or a temporary one, and a temporary
/// file for the raw baseline. PostgreSQL: two new schemas in the database of the connection string, one for
/// the runtime and one for the baseline, dropped afterwards. Memory: nothing to keep.
struct BenchmarkWorkspace {
    let store: StoreArgument
    let baselinePath: String?
    let baselinePostgres: PostgresConfiguration?
    private let temporary: URL?

    init(store: StoreArgument) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dna-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        temporary = directory
        switch store {
        case .memory:
            self.store = .memory
            baselinePath = nil
            baselinePostgres = nil
        case .cql:
            // The keyspace is the user's: the benchmark writes into it and has no raw baseline to compare with.
            self.store = store
            baselinePath = nil
            baselinePostgres = nil
        case .sqlite(let path):
            guard !FileManager.default.fileExists(atPath: path) else {
                throw BenchmarkError("\(path) exists; a benchmark needs a new file")
            }
            self.store = store
            baselinePath = directory.appendingPathComponent("baseline.db").path
            baselinePostgres = nil
        case .postgres(var configuration):
            let schema = "dna_bench_\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
            configuration.schema = schema
            self.store = .postgres(configuration)
            configuration.schema = schema + "_baseline"
            baselinePostgres = configuration
            baselinePath = nil
        }
    }

    /// Makes a workspace for `store`, runs `body` in it and removes it afterwards, whatever the outcome.
    static func using<Result>(
        _ store: StoreArgument,
        _ body: (BenchmarkWorkspace) async throws -> Result
    ) async throws -> Result {
        let workspace = try BenchmarkWorkspace(store: store)
        do {
            let result = try await body(workspace)
            await workspace.remove()
            return result
        } catch {
            await workspace.remove()
            throw error
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

    /// Removes the files and schemas the benchmark made.
    func remove() async {
        if let temporary {
            try? FileManager.default.removeItem(at: temporary)
        }
        switch store {
        case .sqlite(let path):
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: path + suffix)
            }
        case .postgres(let configuration):
            for schema in [configuration, baselinePostgres].compactMap({ $0 }) {
                do {
                    try await PostgresStore.dropSchema(schema)
                } catch {
                    let complaint = "could not drop the benchmark's schema \(schema.schema ?? ""): \(error)\n"
                    FileHandle.standardError.write(Data(complaint.utf8))
                }
            }
        case .memory, .cql:
            break
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
