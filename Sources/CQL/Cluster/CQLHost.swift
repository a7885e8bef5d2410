/// A node of the cluster as discovery found it in `system.local` and `system.peers`.
public struct CQLHost: Sendable, Hashable, CustomStringConvertible {
    /// The address clients connect to.
    public var address: String

    /// The native-protocol port.
    public var port: Int

    /// The node's datacenter, empty when unknown.
    public var datacenter: String

    /// The node's rack, empty when unknown.
    public var rack: String

    /// The node's host id, when reported.
    public var hostID: String?

    /// The tokens the node owns on the ring (its vnodes).
    public var tokens: [Int64]

    /// The server version it reports (`release_version`).
    public var releaseVersion: String

    public init(
        address: String,
        port: Int,
        datacenter: String = "",
        rack: String = "",
        hostID: String? = nil,
        tokens: [Int64] = [],
        releaseVersion: String = ""
    ) {
        self.address = address
        self.port = port
        self.datacenter = datacenter
        self.rack = rack
        self.hostID = hostID
        self.tokens = tokens
        self.releaseVersion = releaseVersion
    }

    /// `address:port`, the key under which the client keeps the host's pool.
    public var endpoint: CQLEndpoint { CQLEndpoint(host: address, port: port) }

    public var description: String { "\(endpoint) dc=\(datacenter)" }
}

/// A host and port to connect to.
public struct CQLEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int = 9042) {
        self.host = host
        self.port = port
    }

    /// Parses `host`, `host:port`, `[v6]` or `[v6]:port`.
    public init?(parsing text: String, defaultPort: Int = 9042) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return nil
            }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty {
                self.init(host: host, port: defaultPort)
                return
            }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else {
                return nil
            }
            self.init(host: host, port: port)
            return
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1 where !text.isEmpty:
            self.init(host: text, port: defaultPort)
        case 2 where !parts[0].isEmpty:
            guard let port = Int(parts[1]), (1...65535).contains(port) else {
                return nil
            }
            self.init(host: String(parts[0]), port: port)
        default:
            // More than one colon without brackets: a bare IPv6 address.
            guard parts.count > 2 else {
                return nil
            }
            self.init(host: text, port: defaultPort)
        }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
