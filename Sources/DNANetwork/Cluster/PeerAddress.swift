/// The address of a cluster node's transport listener: a host name or IP
/// literal and a port.
///
/// Unlike ``SocketAddress`` it may name a host that still has to be resolved,
/// which is what nodes advertise to each other.
public struct PeerAddress: Hashable, Sendable, CustomStringConvertible {
    /// A host name, an IPv4 literal or an IPv6 literal without brackets.
    public let host: String

    /// The TCP port.
    public let port: Int

    /// Creates an address.
    ///
    /// - Parameters:
    ///   - host: A host name or IP literal (IPv6 without brackets).
    ///   - port: The TCP port.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, with IPv6 literals in brackets (`[::1]:7000`).
    ///
    /// - Parameter text: The textual form.
    /// - Returns: `nil` when there is no host or no valid port.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else {
            return nil
        }

        var host = text[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = host.dropFirst().dropLast()
        }
        guard !host.isEmpty else {
            return nil
        }
        self.init(host: String(host), port: port)
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
