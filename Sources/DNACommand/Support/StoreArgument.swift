import DNA
import Foundation

/// The `--store` flag: `sqlite:PATH`, `memory` (and later backends).
enum StoreArgument: CustomStringConvertible {
    case sqlite(path: String)
    case memory

    init(_ text: String) throws(UsageError) {
        if text == "memory" {
            self = .memory
        } else if text.hasPrefix("sqlite:"), text.count > "sqlite:".count {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else {
            throw UsageError("--store takes sqlite:PATH or memory, not \"\(text)\"")
        }
    }

    var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .memory: "memory"
        }
    }

    var kind: String {
        switch self {
        case .sqlite: "sqlite"
        case .memory: "memory"
        }
    }

    /// Opens the store described.
    func open() async throws -> any Store {
        switch self {
        case .sqlite(let path):
            return try await SQLiteStore.open(path: path)
        case .memory:
            return MemoryStore()
        }
    }
}
