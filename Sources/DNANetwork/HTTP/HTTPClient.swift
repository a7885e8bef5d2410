/// A minimal HTTP/1.1 client for tests and command-line tools: one request
/// per connection, on a plain socket.
///
/// The blocking form runs on the calling thread; the async form runs the
/// same code on a dedicated thread, so it never blocks Swift's cooperative
/// pool. Only `http://` URLs are supported.
public enum HTTPClient {
    /// A response received by ``HTTPClient``.
    public struct Response: Sendable {
        /// The status code.
        public var status: Int

        /// The reason phrase of the status line.
        public var reasonPhrase: String

        /// The header fields.
        public var headers: HTTPHeaders

        /// The body, de-chunked.
        public var body: [UInt8]

        /// The body decoded as UTF-8.
        public var text: String {
            String(decoding: body, as: UTF8.self)
        }
    }

    /// Sends one request and waits for the response, blocking the calling thread.
    ///
    /// - Parameters:
    ///   - method: The method, `GET` by default.
    ///   - url: An `http://host[:port]/path?query` URL; IPv6 hosts in brackets.
    ///   - headers: Extra header fields.
    ///   - body: The request body.
    ///   - timeout: The deadline for the whole exchange.
    /// - Returns: The response.
    /// - Throws: ``NetworkError``: `invalidAddress` for a bad URL, `timedOut`,
    ///   `connectionFailed`, `closed`, `malformed` for a bad response.
    /// - Important: Blocks; do not call it on a loop thread or from async code
    ///   (use the async overload there).
    public static func request(
        method: String = "GET",
        url: String,
        headers: HTTPHeaders = [:],
        body: [UInt8] = [],
        timeout: Duration = .seconds(10)
    ) throws(NetworkError) -> Response {
        let deadline = MonotonicTime.now().advanced(by: timeout)
        let target = try URLParts(url)

        let socket = try BlockingSocket.connect(host: target.host, port: target.port, deadline: deadline)
        defer { socket.close() }

        let head = requestHead(method: method, target: target, headers: headers, bodyLength: body.count)
        try socket.send(Array(head.utf8) + body, deadline: deadline)

        var buffer = ByteBuffer()
        return try readResponse(from: socket, buffer: &buffer, deadline: deadline)
    }

    /// Sends one request from a dedicated thread and suspends until the response arrives.
    ///
    /// - Parameters:
    ///   - method: The method, `GET` by default.
    ///   - url: An `http://host[:port]/path?query` URL.
    ///   - headers: Extra header fields.
    ///   - body: The request body.
    ///   - timeout: The deadline for the whole exchange.
    /// - Returns: The response.
    /// - Throws: ``NetworkError`` as the blocking form does.
    public static func request(
        method: String = "GET",
        url: String,
        headers: HTTPHeaders = [:],
        body: [UInt8] = [],
        timeout: Duration = .seconds(10)
    ) async throws(NetworkError) -> Response {
        do {
            return try await ThreadLauncher.runBlocking(name: "dna-http") { () throws(NetworkError) -> Response in
                try request(method: method, url: url, headers: headers, body: body, timeout: timeout)
            }
        } catch let error as NetworkError {
            throw error
        } catch {
            throw NetworkError(code: .closed, message: "request failed: \(error)")
        }
    }

    /// Reads one response from `socket`, keeping any bytes after it in `buffer`.
    static func readResponse(
        from socket: BlockingSocket,
        buffer: inout ByteBuffer,
        deadline: MonotonicTime
    ) throws(NetworkError) -> Response {
        var isComplete = false

        while true {
            if let response = try HTTPResponseParser.parse(&buffer, isComplete: isComplete) {
                return response
            }
            guard !isComplete else {
                throw NetworkError(code: .closed, message: "connection closed before a complete response")
            }

            let chunk = try socket.receive(deadline: deadline)
            isComplete = chunk.isEmpty
            buffer.append(contentsOf: chunk)
        }
    }

    private static func requestHead(method: String, target: URLParts, headers: HTTPHeaders, bodyLength: Int) -> String {
        var head = "\(method) \(target.pathAndQuery) HTTP/1.1\r\nHost: \(target.hostHeader)\r\n"

        for field in headers where !field.name.equalsIgnoringASCIICase("Content-Length") {
            head += "\(field.name): \(field.value)\r\n"
        }
        if !headers.contains("Connection") {
            head += "Connection: close\r\n"
        }
        return head + "Content-Length: \(bodyLength)\r\n\r\n"
    }
}

/// The parts of an `http://` URL the client needs.
private struct URLParts {
    let host: String
    let port: Int
    let hostHeader: String
    let pathAndQuery: String

    init(_ url: String) throws(NetworkError) {
        guard url.lowercased().hasPrefix("http://") else {
            throw NetworkError(code: .invalidAddress, message: "only http:// URLs are supported")
        }

        let rest = url.dropFirst(7)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]
        pathAndQuery = path.isEmpty ? "/" : (path.hasPrefix("?") ? "/" + path : String(path))
        hostHeader = String(authority)

        let (host, port) = try Self.split(authority)
        self.host = host
        self.port = port
    }

    private static func split(_ authority: Substring) throws(NetworkError) -> (String, Int) {
        var host = authority
        var portText: Substring = "80"

        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw NetworkError(code: .invalidAddress, message: "unterminated IPv6 literal")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }

        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else {
            throw NetworkError(code: .invalidAddress, message: "invalid URL authority")
        }
        return (String(host), port)
    }
}
