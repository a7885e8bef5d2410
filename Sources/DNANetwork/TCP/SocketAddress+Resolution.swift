import Glibc

extension SocketAddress {
    /// Turns a host and port into addresses to bind or connect to.
    ///
    /// IP literals and `localhost` are answered without any lookup;
    /// `localhost` gives `127.0.0.1` then `::1`. Other names go through
    /// `getaddrinfo`, which may block on DNS.
    ///
    /// - Parameters:
    ///   - host: An IPv4 or IPv6 literal (brackets allowed), `localhost`, or a host name.
    ///   - port: The port, 0 to 65535.
    /// - Returns: At least one address, in preference order.
    /// - Throws: ``NetworkError`` with code `invalidAddress` when nothing matches.
    /// - Important: May block for names other than literals and `localhost`;
    ///   ``resolve(host:port:)`` runs the lookup off the cooperative pool.
    public static func resolveBlocking(host: String, port: Int) throws(NetworkError) -> [SocketAddress] {
        if let literal = SocketAddress(ipAddress: host, port: port) {
            return [literal]
        }
        guard (0...65535).contains(port) else {
            throw NetworkError(code: .invalidAddress, message: "port \(port) is out of range")
        }

        if host.lowercased() == "localhost" {
            return [
                SocketAddress(family: .ipv4, addressBytes: [127, 0, 0, 1], port: port),
                SocketAddress(family: .ipv6, addressBytes: Array(repeating: 0, count: 15) + [1], port: port),
            ]
        }
        return try lookUp(host: host, port: port)
    }

    /// Turns a host and port into addresses, running any DNS lookup on a
    /// dedicated thread.
    ///
    /// - Parameters:
    ///   - host: An IP literal, `localhost`, or a host name.
    ///   - port: The port, 0 to 65535.
    /// - Returns: At least one address, in preference order.
    /// - Throws: ``NetworkError`` with code `invalidAddress` when nothing matches.
    public static func resolve(host: String, port: Int) async throws(NetworkError) -> [SocketAddress] {
        if SocketAddress(ipAddress: host, port: port) != nil || host.lowercased() == "localhost" {
            return try resolveBlocking(host: host, port: port)
        }

        do {
            return try await ThreadLauncher.runBlocking(name: "dna-resolve") {
                try resolveBlocking(host: host, port: port)
            }
        } catch let error as NetworkError {
            throw error
        } catch {
            throw NetworkError(code: .invalidAddress, message: "cannot resolve \(host)")
        }
    }

    private static func lookUp(host: String, port: Int) throws(NetworkError) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV

        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw NetworkError(code: .invalidAddress, message: "cannot resolve host \(host) (getaddrinfo \(status))")
        }
        defer { freeaddrinfo(first) }

        var addresses: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr,
                let parsed = Self(copying: address, length: entry.pointee.ai_addrlen)
            {
                addresses.append(parsed)
            }
            cursor = entry.pointee.ai_next
        }

        guard !addresses.isEmpty else {
            throw NetworkError(code: .invalidAddress, message: "no TCP address for host \(host)")
        }
        return addresses
    }

    private init?(copying address: UnsafePointer<sockaddr>, length: socklen_t) {
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { target in
            let count = min(Int(length), target.count)
            target.copyMemory(from: UnsafeRawBufferPointer(start: address, count: count))
        }
        self.init(storage: storage)
    }
}
