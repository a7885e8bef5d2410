import DNA
import Foundation

/// The `--store` flag: `sqlite:PATH`, `postgres:URL` (a libpq connection string), `memory`, or
/// `cql://HOST:PORT[,HOST:PORT]/KEYSPACE[?OPTIONS]`.
enum StoreArgument: CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresConfiguration)
    case memory
    case cql(CQLStoreConfiguration)

    init(_ text: String) throws(UsageError) {
        if text == "memory" {
            self = .memory
        } else if text.hasPrefix("sqlite:"), text.count > "sqlite:".count {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else if text.hasPrefix("postgres:"), text.count > "postgres:".count {
            self = .postgres(Self.postgres(String(text.dropFirst("postgres:".count))))
        } else if text.hasPrefix("cql://") {
            self = .cql(try Self.cql(text))
        } else {
            throw UsageError(
                "--store takes sqlite:PATH, postgres:URL, cql://HOST:PORT/KEYSPACE or memory, not \"\(text)\""
            )
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

    /// A PostgreSQL configuration from a libpq connection string, taking out DNA's own `dna_schema=NAME`
    /// query parameter (the schema of DNA's tables), which libpq would refuse.
    private static func postgres(_ url: String) -> PostgresConfiguration {
        guard let query = url.firstIndex(of: "?") else {
            return PostgresConfiguration(url: url)
        }
        var schema: String?
        let parameters = url[url.index(after: query)...].split(separator: "&").filter { parameter in
            guard parameter.hasPrefix("dna_schema=") else {
                return true
            }
            schema = String(parameter.dropFirst("dna_schema=".count))
            return false
        }
        let base = String(url[..<query]) + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
        return PostgresConfiguration(url: base, schema: schema)
    }

    /// The flag's text for a child process: the full connection string, password and schema included.
    var commandLine: String {
        switch self {
        case .postgres(let configuration):
            guard let schema = configuration.schema else {
                return "postgres:\(configuration.url)"
            }
            let separator = configuration.url.contains("?") ? "&" : "?"
            return "postgres:\(configuration.url)\(separator)dna_schema=\(schema)"
        default:
            return description
        }
    }

    /// The store, without a password.
    var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let configuration): configuration.description
        case .memory: "memory"
        case .cql(let configuration): configuration.description
        }
    }

    var kind: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
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
        case .postgres(let configuration):
            return try await PostgresStore.open(configuration)
        case .memory:
            return MemoryStore()
        case .cql(var configuration):
            configuration.logger = configuration.logger ?? logger.child(label: "dna.store")
            return try await CQLStore.open(configuration)
        }
    }
}
