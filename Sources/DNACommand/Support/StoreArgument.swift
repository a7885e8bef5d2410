import DNA
import Foundation

/// The `--store` flag: `sqlite:PATH`, `postgres:URL` (a libpq connection string) or `memory`.
enum StoreArgument: CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresConfiguration)
    case memory

    init(_ text: String) throws(UsageError) {
        if text == "memory" {
            self = .memory
        } else if text.hasPrefix("sqlite:"), text.count > "sqlite:".count {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else if text.hasPrefix("postgres:"), text.count > "postgres:".count {
            self = .postgres(PostgresConfiguration(url: String(text.dropFirst("postgres:".count))))
        } else {
            throw UsageError("--store takes sqlite:PATH, postgres:URL or memory, not \"\(text)\"")
        }
    }

    /// The store, without a password.
    var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let configuration): configuration.description
        case .memory: "memory"
        }
    }

    var kind: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        case .memory: "memory"
        }
    }

    /// Opens the store described.
    func open() async throws -> any Store {
        switch self {
        case .sqlite(let path):
            return try await SQLiteStore.open(path: path)
        case .postgres(let configuration):
            return try await PostgresStore.open(configuration)
        case .memory:
            return MemoryStore()
        }
    }
}
