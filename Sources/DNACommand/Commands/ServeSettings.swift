import DNA
import Foundation

/// The options of `dna serve`, parsed and checked.
struct ServeSettings {
    var store: StoreArgument
    var cluster: String
    var listen: String
    var advertise: String?
    var http: String
    var secret: [UInt8]
    var heartbeatInterval: Duration
    var leaseTimeout: Duration
    var deadMargin: Duration
    var placement: PlacementPolicy
    /// How long a transport loop polls before sleeping after it sent a request or reply (zero: never).
    var busyPoll: Duration
    /// How long a cast waits for company while casts stream to a peer (zero: never).
    var castCoalescing: Duration
    var logger: Logger
    /// SIGUSR1 and SIGUSR2 make the store fail and recover, for fault drills (`DNA_FAULT_INJECTION=signals`).
    var faultInjection: Bool

    /// The secret of nodes started without `--secret-file` that listen on loopback only.
    static let developmentSecret = Array("dna-development-secret".utf8)

    init(_ arguments: inout Arguments) throws {
        store = try StoreArgument(arguments.string("store", default: "sqlite:dna.db"))
        cluster = arguments.string("cluster", default: "default")
        listen = try Self.address(arguments.string("listen", default: "127.0.0.1:0"), flag: "listen")
        advertise = try arguments.string("advertise").map { try Self.address($0, flag: "advertise") }
        http = try Self.address(arguments.string("http", default: "127.0.0.1:0"), flag: "http")
        guard !cluster.isEmpty, cluster.utf8.count <= 255 else {
            throw UsageError("--cluster must be a name of 1 to 255 bytes")
        }

        leaseTimeout = try arguments.duration("lease-timeout", default: .seconds(6))
        heartbeatInterval = try arguments.duration(
            "heartbeat-interval",
            default: Self.defaultHeartbeatInterval(leaseTimeout: leaseTimeout)
        )
        deadMargin = try arguments.duration("dead-margin", default: Self.defaultDeadMargin(leaseTimeout: leaseTimeout))
        guard heartbeatInterval > .zero, leaseTimeout >= heartbeatInterval * 2, deadMargin > .zero else {
            throw UsageError("--lease-timeout must be at least twice --heartbeat-interval, and both positive")
        }

        placement = try Self.placement(arguments.string("placement", default: "local"))
        busyPoll = try Self.busyPoll(&arguments)
        castCoalescing = try Self.castCoalescing(&arguments)
        logger = try Self.logger(level: arguments.string("log-level", default: "info"))
        faultInjection = arguments.string("fault-injection") == "signals"

        if let path = arguments.string("secret-file") {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw UsageError("--secret-file \(path) cannot be read")
            }
            secret = Array(
                String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8
            )
            guard secret.count >= 16 else {
                throw UsageError("the secret in \(path) is shorter than 16 bytes")
            }
        } else {
            guard Self.isLoopback(listen) else {
                throw UsageError("a node listening on \(listen) needs --secret-file")
            }
            secret = Self.developmentSecret
        }
    }

    /// The heartbeat interval of a node given only a lease timeout: a sixth of it, at least 50 ms.
    static func defaultHeartbeatInterval(leaseTimeout: Duration) -> Duration {
        max(leaseTimeout / 6, .milliseconds(50))
    }

    /// How long beyond the lease peers wait before declaring a node dead, given only a lease timeout.
    static func defaultDeadMargin(leaseTimeout: Duration) -> Duration {
        leaseTimeout / 3
    }

    /// The node configuration these settings describe.
    func configuration(store: StoreConfiguration) -> Node.Configuration {
        var configuration = Node.Configuration(store: store, cluster: cluster)
        configuration.transport = TransportConfiguration(listen: listen, advertise: advertise, secret: secret)
        configuration.gateway = GatewayConfiguration(listen: http)
        configuration.heartbeatInterval = heartbeatInterval
        configuration.leaseTimeout = leaseTimeout
        configuration.deadMargin = deadMargin
        configuration.placement = placement
        configuration.transport?.busyPoll = busyPoll
        configuration.transport?.castCoalescing = castCoalescing
        return configuration
    }

    /// The transport settings of a node started without the flags that change them.
    static let transportDefaults = TransportConfiguration(listen: "", secret: [])

    /// `--busy-poll`, the transport's default when absent; at most 10 ms.
    static func busyPoll(_ arguments: inout Arguments) throws -> Duration {
        let poll = try arguments.duration("busy-poll", default: transportDefaults.busyPoll)
        guard poll <= .milliseconds(10) else {
            throw UsageError("--busy-poll is at most 10ms")
        }
        return poll
    }

    /// `--cast-coalescing`, the transport's default when absent; at most 10 ms.
    static func castCoalescing(_ arguments: inout Arguments) throws -> Duration {
        let delay = try arguments.duration(
            "cast-coalescing",
            default: transportDefaults.castCoalescing
        )
        guard delay <= .milliseconds(10) else {
            throw UsageError("--cast-coalescing is at most 10ms")
        }
        return delay
    }

    private static func address(_ text: String, flag: String) throws -> String {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
            let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port)
        else {
            throw UsageError("--\(flag) must be HOST:PORT, not \"\(text)\"")
        }
        return text
    }

    private static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address.hasPrefix("localhost:") || address.hasPrefix("[::1]:")
    }

    private static func placement(_ text: String) throws -> PlacementPolicy {
        switch text {
        case "local": return .local
        case "hash": return .hash
        case "least-loaded": return .leastLoaded
        default: throw UsageError("--placement takes local, hash or least-loaded, not \"\(text)\"")
        }
    }

    static func logger(level text: String) throws -> Logger {
        let levels: [String: Logger.Level] = [
            "trace": .trace, "debug": .debug, "info": .info, "warning": .warning, "error": .error,
        ]
        if text == "off" {
            return .disabled
        }
        guard let level = levels[text] else {
            throw UsageError("--log-level takes debug, info, warning, error or off, not \"\(text)\"")
        }
        return Logger(label: "dna", level: level, handler: StandardErrorLogHandler())
    }
}
