/// An HTTP protocol version.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    /// The major number.
    public let major: Int

    /// The minor number.
    public let minor: Int

    /// Creates a version.
    ///
    /// - Parameters:
    ///   - major: The major number.
    ///   - minor: The minor number.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// HTTP/1.0.
    public static let http10 = HTTPVersion(major: 1, minor: 0)

    /// HTTP/1.1.
    public static let http11 = HTTPVersion(major: 1, minor: 1)

    public var description: String {
        "HTTP/\(major).\(minor)"
    }
}

/// One `name=value` pair of a query string, percent-decoded.
public struct HTTPQueryItem: Sendable, Hashable {
    /// The decoded name.
    public var name: String

    /// The decoded value; empty when the item had no `=`.
    public var value: String

    /// Creates a query item.
    ///
    /// - Parameters:
    ///   - name: The decoded name.
    ///   - value: The decoded value.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A complete HTTP request as the server hands it to its handler.
public struct HTTPRequest: Sendable {
    /// The method, such as `GET` or `POST`, as sent (methods are case-sensitive).
    public var method: String

    /// The request target exactly as sent, such as `/v1/actors/kv/a%20b?cast=true`.
    public var target: String

    /// The percent-decoded path, such as `/v1/actors/kv/a b`.
    public var path: String

    /// The percent-decoded query items, in order (`+` decodes to a space).
    public var queryItems: [HTTPQueryItem]

    /// The protocol version of the request.
    public var version: HTTPVersion

    /// The header fields; trailers of a chunked body are not included.
    public var headers: HTTPHeaders

    /// The body, de-chunked; empty when there is none.
    public var body: [UInt8]

    /// Creates a request; the server builds these, tests may too.
    ///
    /// - Parameters:
    ///   - method: The method.
    ///   - target: The raw request target.
    ///   - path: The decoded path.
    ///   - queryItems: The decoded query items.
    ///   - version: The protocol version.
    ///   - headers: The header fields.
    ///   - body: The body bytes.
    public init(
        method: String,
        target: String,
        path: String,
        queryItems: [HTTPQueryItem] = [],
        version: HTTPVersion = .http11,
        headers: HTTPHeaders = [:],
        body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.queryItems = queryItems
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The value of the first query item named `name`, or `nil`.
    ///
    /// - Parameter name: The decoded item name.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Whether the connection stays open after this request: HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var keepsConnectionAlive: Bool {
        if headers.containsToken("close", in: "Connection") {
            return false
        }
        if version == .http10 {
            return headers.containsToken("keep-alive", in: "Connection")
        }
        return true
    }
}
