import CQL

/// A store on ScyllaDB or Cassandra, through DNA's own CQL client.
///
/// Heartbeats, the directory and actor data live in one keyspace, created with its tables when absent.
/// Ownership is decided by lightweight transactions and read at serial consistency; an instance's flush is one
/// single-partition batch. See `docs/scylladb.md` for the consistency choices and what the two flush modes
/// guarantee.
public final class CQLStore: Store {
    let client: CQLClient
    let settings: CQLStoreConfiguration
    let statements: CQLStatements
    let timestamps = WriteTimestamps()

    public var description: String { settings.description }

    var logger: Logger { settings.logger ?? .disabled }

    /// The keyspace the store uses.
    public var settingsKeyspace: String { settings.keyspace }

    private init(client: CQLClient, settings: CQLStoreConfiguration) {
        self.client = client
        self.settings = settings
        self.statements = CQLStatements(keyspace: settings.keyspace)
    }

    /// Connects, creates the keyspace and tables when absent, and checks the schema version.
    ///
    /// - Throws: ``DNAError/Code/storeUnavailable`` when the cluster cannot be reached or refuses the schema,
    ///   ``DNAError/Code/corruptData`` when the keyspace holds a newer schema, ``DNAError/Code/badRequest``
    ///   for an invalid keyspace name.
    public static func open(_ settings: CQLStoreConfiguration) async throws -> CQLStore {
        guard CQLStoreConfiguration.isValidKeyspace(settings.keyspace) else {
            throw DNAError(.badRequest, "keyspace names are 1 to 48 letters, digits or underscores")
        }
        var configuration = CQLClient.Configuration(
            contactPoints: settings.contactPoints,
            authenticator: settings.username.map {
                PasswordAuthenticator(username: $0, password: settings.password ?? "")
            },
            localDatacenter: settings.datacenter
        )
        configuration.defaultConsistency = settings.consistency
        configuration.connection.requestTimeout = settings.requestTimeout
        configuration.connection.connectTimeout = settings.connectTimeout
        configuration.logger = (settings.logger ?? .disabled).cqlLogger

        let client: CQLClient
        do {
            client = try await CQLClient.connect(configuration)
        } catch {
            throw DNAError(.storeUnavailable, "cannot reach \(settings.description): \(error)", underlying: error)
        }

        let store = CQLStore(client: client, settings: settings)
        do {
            try await store.prepareSchema()
        } catch {
            await client.close()
            throw DNAError.wrapping(
                error,
                as: .storeUnavailable,
                "cannot prepare the schema of \(settings.description)"
            )
        }
        store.logger.info(
            "CQL store open",
            metadata: ["store": settings.description, "store.hosts": "\(client.hosts.count)"]
        )
        return store
    }

    public func close() async {
        await client.close()
    }

    // MARK: Running statements

    /// Runs a prepared statement, mapping every failure to ``DNAError/Code/storeUnavailable``.
    func run(
        _ text: String,
        _ values: [CQLValue],
        consistency: CQLConsistency? = nil,
        serial: Bool = false,
        idempotent: Bool = true,
        pageSize: Int32? = nil,
        pagingState: [UInt8]? = nil
    ) async throws -> CQLResult {
        do {
            let statement = try await client.prepare(text)
            let options = CQLStatementOptions(
                consistency: consistency ?? settings.consistency,
                serialConsistency: serial ? settings.serialConsistency : nil,
                pageSize: pageSize,
                pagingState: pagingState,
                isIdempotent: idempotent
            )
            return try await client.execute(statement, values, options: options)
        } catch {
            throw Self.storeError(error)
        }
    }

    static func storeError(_ error: any Error) -> DNAError {
        if let error = error as? DNAError {
            return error
        }
        return DNAError(.storeUnavailable, "the CQL store failed: \(error)", underlying: error)
    }

    static func nameValues(_ name: ActorName) -> [CQLValue] {
        [.text(name.namespace), .text(name.type.name), .text(name.key)]
    }
}

extension Logger {
    /// The CQL client's logger, writing into this one under `dna.cql`.
    var cqlLogger: CQLLogger {
        let logger = child(label: "dna.cql")
        return CQLLogger { level, message, metadata in
            let mapped: Logger.Level =
                switch level {
                case .debug: .debug
                case .info: .info
                case .warning: .warning
                case .error: .error
                }
            logger.log(mapped, message, metadata: metadata)
        }
    }
}
