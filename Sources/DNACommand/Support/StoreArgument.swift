import DNA
import Foundation

/// The `--store` flag: `sqlite:PATH`, `memory`, or `cql://HOST:PORT[,HOST:PORT]/KEYSPACE[?OPTIONS]`.
enum StoreArgument: CustomStringConvertible {
    case sqlite(path: String)
    case memory
    case cql(CQLStoreConfiguration)

    init(_ text: String) throws(UsageError) {
        if text == "memory" {
            self = .memory
        } else if text.hasPrefix("sqlite:"), text.count > "sqlite:".count {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else if text.hasPrefix("cql://") {
            self = .cql(try Self.cql(text))
        } else {
            throw UsageError("--store takes sqlite:PATH, memory or cql://HOST:PORT/KEYSPACE, not \"\(text)\"")
        }
    }

    /// Parses a `cql://` URL and reads its password file (the password never appears on the command line).
    private static func cql(_ text: String) throws(UsageError) -> CQLStoreConfiguration {
        let parsed: CQLStoreConfiguration.ParsedURL
        do {
            parsed = try CQLStoreConfiguration.parse(url: text)
        } catch {
            throw UsageError("--store: \(error.message)")
        }
        var configuration = parsed.configuration
        if let file = parsed.passwordFile {
            guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw UsageError("--store: cannot read the password file \(file)")
            }
            configuration.password = contents.trimmingCharacters(in: .newlines)
        }
        return configuration
    }

    var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .memory: "memory"
        case .cql(let configuration): configuration.description
        }
    }

    var kind: String {
        switch self {
        case .sqlite: "sqlite"
        case .memory: "memory"
        case .cql: "cql"
        }
    }

    /// Opens the store described.
    ///
    /// - Parameter logger: Where the store's own log lines go (the CQL store's topology notes, for example).
    func open(logger: Logger = .disabled) async throws -> any Store {
        switch self {
        case .sqlite(let path):
            return try await SQLiteStore.open(path: path)
        case .memory:
            return MemoryStore()
        case .cql(var configuration):
            configuration.logger = configuration.logger ?? logger.child(label: "dna.store")
            return try await CQLStore.open(configuration)
        }
    }
}
