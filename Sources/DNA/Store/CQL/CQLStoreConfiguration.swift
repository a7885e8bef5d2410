import CQL

/// How a ``CQLStore`` reaches its cluster and how it reads and writes.
public struct CQLStoreConfiguration: Sendable, CustomStringConvertible {
    /// How the keyspace is replicated when the store creates it.
    public enum Replication: Sendable, Hashable, CustomStringConvertible {
        /// Three replicas, or as many as there are hosts (in the local datacenter when one is named).
        case automatic
        /// SimpleStrategy with a replication factor.
        case simple(factor: Int)
        /// NetworkTopologyStrategy with a factor per datacenter.
        case networkTopology([String: Int])

        public var description: String {
            switch self {
            case .automatic: "automatic"
            case .simple(let factor): "simple:\(factor)"
            case .networkTopology(let factors):
                factors.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
            }
        }
    }

    /// The hosts tried first; the rest of the cluster is discovered.
    public var contactPoints: [CQLEndpoint]

    /// The keyspace that holds DNA's tables (created with them when absent).
    public var keyspace: String

    /// The user for PasswordAuthenticator, or `nil` when the cluster needs no authentication.
    public var username: String?

    /// The password of ``username``.
    public var password: String?

    /// The datacenter to use; requests stay in it and the default consistencies become LOCAL_*.
    public var datacenter: String?

    /// The consistency of plain reads and writes, and of the commit of lightweight transactions.
    public var consistency: CQLConsistency

    /// The consistency of ownership decisions: SERIAL, or LOCAL_SERIAL within one datacenter.
    public var serialConsistency: CQLConsistency

    /// The keyspace's replication when the store creates it.
    public var replication: Replication

    /// Whether each flush is a conditional batch on the partition's fencing epoch (one Paxos round per
    /// flush); off, a flush checks the directory with a plain read and then writes an unlogged batch.
    /// See `docs/scylladb.md` for what each mode guarantees.
    public var fencedFlush: Bool

    /// The deadline of each request.
    public var requestTimeout: Duration

    /// The deadline of each connect and handshake step.
    public var connectTimeout: Duration

    /// Where the store's logs go; a node fills in its own logger when this is `nil`.
    public var logger: Logger?

    /// Creates a configuration; consistencies default to QUORUM and SERIAL, or LOCAL_QUORUM and LOCAL_SERIAL
    /// when a datacenter is named.
    public init(
        contactPoints: [CQLEndpoint],
        keyspace: String = "dna",
        datacenter: String? = nil
    ) {
        self.contactPoints = contactPoints
        self.keyspace = keyspace
        self.datacenter = datacenter
        self.consistency = datacenter == nil ? .quorum : .localQuorum
        self.serialConsistency = datacenter == nil ? .serial : .localSerial
        self.replication = .automatic
        self.fencedFlush = false
        self.requestTimeout = .seconds(12)
        self.connectTimeout = .seconds(5)
        self.logger = nil
    }

    /// A description without credentials, for logs (the password never appears in it).
    public var description: String {
        "cql://\(contactPoints.map(\.description).joined(separator: ","))/\(keyspace)"
    }
}

extension CQLStoreConfiguration {
    /// What a `cql://` URL names besides the configuration: the file that holds the password.
    public struct ParsedURL: Sendable {
        public var configuration: CQLStoreConfiguration
        /// The `password-file` option, to be read by the caller.
        public var passwordFile: String?
    }

    /// Parses `cql://HOST[:PORT][,HOST[:PORT]...]/KEYSPACE[?OPTION=VALUE&...]`.
    ///
    /// Options: `user`, `password-file`, `datacenter`, `consistency`, `serial-consistency`,
    /// `replication` (`simple:3` or `dc1:3,dc2:3`), `fenced-flush` (`true`/`false`), `timeout` (seconds).
    ///
    /// - Throws: ``DNAError/Code/badRequest`` naming what is wrong.
    public static func parse(url: String) throws(DNAError) -> ParsedURL {
        let scheme = "cql://"
        guard url.hasPrefix(scheme) else {
            throw DNAError(.badRequest, "a CQL store URL starts with cql://")
        }
        let rest = url.dropFirst(scheme.count)
        let (path, query) = split(rest, at: "?")
        let (hostList, keyspacePart) = split(path, at: "/")
        guard let keyspace = keyspacePart, !keyspace.isEmpty else {
            throw DNAError(.badRequest, "the CQL store URL names no keyspace (cql://HOST:PORT/KEYSPACE)")
        }
        guard isValidKeyspace(String(keyspace)) else {
            throw DNAError(.badRequest, "keyspace names are 1 to 48 letters, digits or underscores")
        }

        var endpoints: [CQLEndpoint] = []
        for item in hostList.split(separator: ",") {
            guard let endpoint = CQLEndpoint(parsing: String(item)) else {
                throw DNAError(.badRequest, "\"\(item)\" is not HOST or HOST:PORT")
            }
            endpoints.append(endpoint)
        }
        guard !endpoints.isEmpty else {
            throw DNAError(.badRequest, "the CQL store URL names no host")
        }

        var options: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let (name, value) = split(pair, at: "=")
            options[String(name)] = value.map(String.init) ?? ""
        }
        return try apply(options, to: CQLStoreConfiguration(contactPoints: endpoints, keyspace: String(keyspace)))
    }

    private static func apply(_ options: [String: String], to base: CQLStoreConfiguration) throws(DNAError) -> ParsedURL
    {
        var configuration = base
        var passwordFile: String?
        if let datacenter = options["datacenter"] {
            configuration = CQLStoreConfiguration(
                contactPoints: base.contactPoints,
                keyspace: base.keyspace,
                datacenter: datacenter
            )
        }
        for (name, value) in options {
            switch name {
            case "datacenter":
                break
            case "user":
                configuration.username = value
            case "password-file":
                passwordFile = value
            case "consistency":
                guard let level = CQLConsistency(name: value), !level.isSerial else {
                    throw DNAError(.badRequest, "consistency \"\(value)\" is not a CQL consistency level")
                }
                configuration.consistency = level
            case "serial-consistency":
                guard let level = CQLConsistency(name: value), level.isSerial else {
                    throw DNAError(.badRequest, "serial-consistency is serial or local_serial, not \"\(value)\"")
                }
                configuration.serialConsistency = level
            case "replication":
                configuration.replication = try parseReplication(value)
            case "fenced-flush":
                guard let flag = Bool(value.lowercased()) else {
                    throw DNAError(.badRequest, "fenced-flush is true or false, not \"\(value)\"")
                }
                configuration.fencedFlush = flag
            case "timeout":
                guard let seconds = Double(value), seconds > 0 else {
                    throw DNAError(.badRequest, "timeout is a positive number of seconds, not \"\(value)\"")
                }
                configuration.requestTimeout = .milliseconds(Int64(seconds * 1000))
            default:
                throw DNAError(.badRequest, "unknown CQL store option \"\(name)\"")
            }
        }
        return ParsedURL(configuration: configuration, passwordFile: passwordFile)
    }

    static func parseReplication(_ text: String) throws(DNAError) -> Replication {
        if text == "automatic" {
            return .automatic
        }
        if text.hasPrefix("simple:") {
            guard let factor = Int(text.dropFirst("simple:".count)), factor > 0 else {
                throw DNAError(.badRequest, "replication simple:N needs a positive N")
            }
            return .simple(factor: factor)
        }
        var factors: [String: Int] = [:]
        for entry in text.split(separator: ",") {
            let (datacenter, factor) = split(entry, at: ":")
            guard let factor, let count = Int(factor), count >= 0, !datacenter.isEmpty else {
                throw DNAError(.badRequest, "replication is simple:N or DC:N[,DC:N...], not \"\(text)\"")
            }
            factors[String(datacenter)] = count
        }
        guard !factors.isEmpty else {
            throw DNAError(.badRequest, "replication names no datacenter")
        }
        return .networkTopology(factors)
    }

    static func isValidKeyspace(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 48
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_")
            }
    }

    private static func split(_ text: Substring, at separator: Character) -> (Substring, Substring?) {
        guard let index = text.firstIndex(of: separator) else {
            return (text, nil)
        }
        return (text[..<index], text[text.index(after: index)...])
    }
}
