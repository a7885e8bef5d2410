import Glibc

/// An IPv4 or IPv6 address with a port.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family.
    public enum Family: Sendable, Hashable {
        case ipv4
        case ipv6
    }

    /// The address family.
    public let family: Family

    /// The port, in host byte order.
    public let port: Int

    /// The address bytes in network order: 4 for IPv4, 16 for IPv6.
    let addressBytes: [UInt8]

    /// The numeric host, such as `127.0.0.1` or `::1`.
    public var host: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let domain = family == .ipv4 ? AF_INET : AF_INET6

        addressBytes.withUnsafeBytes { raw in
            _ = inet_ntop(domain, raw.baseAddress, &text, socklen_t(text.count))
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `host:port`, with IPv6 hosts in brackets: `[::1]:8080`.
    public var description: String {
        family == .ipv4 ? "\(host):\(port)" : "[\(host)]:\(port)"
    }

    /// Parses a numeric IPv4 or IPv6 address.
    ///
    /// - Parameters:
    ///   - ipAddress: A literal such as `127.0.0.1`, `::1` or `[::1]`.
    ///   - port: The port, 0 to 65535.
    /// - Returns: `nil` when `ipAddress` is not a literal or `port` is out of range.
    public init?(ipAddress: String, port: Int) {
        guard (0...65535).contains(port) else {
            return nil
        }

        var literal = ipAddress
        if literal.hasPrefix("["), literal.hasSuffix("]") {
            literal = String(literal.dropFirst().dropLast())
        }

        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            self.init(family: .ipv4, addressBytes: withUnsafeBytes(of: &v4) { Array($0) }, port: port)
        } else if inet_pton(AF_INET6, literal, &v6) == 1 {
            self.init(family: .ipv6, addressBytes: withUnsafeBytes(of: &v6) { Array($0) }, port: port)
        } else {
            return nil
        }
    }

    init(family: Family, addressBytes: [UInt8], port: Int) {
        self.family = family
        self.addressBytes = addressBytes
        self.port = port
    }

    /// Reads an address the kernel filled in (accept, getsockname).
    init?(storage: sockaddr_storage) {
        var copy = storage

        switch Int32(copy.ss_family) {
        case AF_INET:
            let v4 = withUnsafeBytes(of: &copy) { $0.load(as: sockaddr_in.self) }
            var address = v4.sin_addr
            self.init(
                family: .ipv4,
                addressBytes: withUnsafeBytes(of: &address) { Array($0) },
                port: Int(UInt16(bigEndian: v4.sin_port))
            )

        case AF_INET6:
            let v6 = withUnsafeBytes(of: &copy) { $0.load(as: sockaddr_in6.self) }
            var address = v6.sin6_addr
            self.init(
                family: .ipv6,
                addressBytes: withUnsafeBytes(of: &address) { Array($0) },
                port: Int(UInt16(bigEndian: v6.sin6_port))
            )

        default:
            return nil
        }
    }

    /// The `AF_INET` or `AF_INET6` constant for socket().
    var domain: Int32 {
        family == .ipv4 ? AF_INET : AF_INET6
    }

    /// Calls `body` with this address as a `sockaddr` for bind() or connect().
    func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        switch family {
        case .ipv4:
            var v4 = sockaddr_in()
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = UInt16(port).bigEndian
            withUnsafeMutableBytes(of: &v4.sin_addr) { $0.copyBytes(from: addressBytes) }
            return withUnsafePointer(to: &v4) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }

        case .ipv6:
            var v6 = sockaddr_in6()
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = UInt16(port).bigEndian
            withUnsafeMutableBytes(of: &v6.sin6_addr) { $0.copyBytes(from: addressBytes) }
            return withUnsafePointer(to: &v6) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }
}
