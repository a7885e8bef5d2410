import Synchronization

/// What every connection of one transport shares: settings, the secret's
/// authenticator, the incoming-message handler and the set of open
/// connections (so that shutdown can close them all).
final class ClusterContext: Sendable {
    let configuration: ClusterTransport.Configuration
    let authenticator: HMACSHA256
    let handler: ClusterTransport.IncomingHandler
    let didFinishRead: (@Sendable () -> Void)?

    /// TCP connects started towards peers, for tests and diagnostics.
    let connectAttempts = Atomic<Int>(0)

    private let connections = Mutex<[ObjectIdentifier: TCPConnection]>([:])

    init(
        configuration: ClusterTransport.Configuration,
        handler: @escaping ClusterTransport.IncomingHandler,
        didFinishRead: (@Sendable () -> Void)? = nil
    ) {
        self.configuration = configuration
        self.didFinishRead = didFinishRead
        self.authenticator = HMACSHA256(key: configuration.secret)
        self.handler = handler
    }

    func track(_ connection: TCPConnection) {
        connections.withLock { $0[ObjectIdentifier(connection)] = connection }
    }

    func untrack(_ connection: TCPConnection) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    /// The open connections, inbound and outbound, handshake finished or not.
    var openConnections: [TCPConnection] {
        connections.withLock { Array($0.values) }
    }
}
