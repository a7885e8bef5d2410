/// A response for the server to send.
///
/// The server always sets `Content-Length` from ``body`` (any
/// `Content-Length` or `Transfer-Encoding` given here is replaced), adds
/// `Connection: close` when it will close the connection, and adds `Date`
/// when configured to.
public struct HTTPResponse: Sendable {
    /// The status.
    public var status: HTTPStatus

    /// The header fields.
    public var headers: HTTPHeaders

    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    ///
    /// - Parameters:
    ///   - status: The status, 200 OK by default.
    ///   - headers: The header fields.
    ///   - body: The body bytes.
    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Creates a response with a UTF-8 text body.
    ///
    /// - Parameters:
    ///   - status: The status.
    ///   - contentType: The `Content-Type` value.
    ///   - text: The body text.
    public init(status: HTTPStatus = .ok, contentType: String = "text/plain; charset=utf-8", text: String) {
        self.init(status: status, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }

    /// The bytes to put on the wire.
    ///
    /// - Parameters:
    ///   - closesConnection: Whether to announce `Connection: close`.
    ///   - date: The `Date` value to add, if any.
    ///   - omitsBody: Whether to leave the body out (a response to `HEAD`).
    func serialized(closesConnection: Bool, date: String?, omitsBody: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n"

        for field in headers.fields where Self.isPassedThrough(field) {
            head += "\(field.name): \(field.value)\r\n"
        }
        head += "Content-Length: \(body.count)\r\n"
        if closesConnection {
            head += "Connection: close\r\n"
        }
        if let date, !headers.contains("Date") {
            head += "Date: \(date)\r\n"
        }
        head += "\r\n"

        var bytes = Array(head.utf8)
        if !omitsBody {
            bytes.append(contentsOf: body)
        }
        return bytes
    }

    /// Leaves out the framing fields the server owns, and any field whose
    /// name or value holds a line break, which would let a handler's data
    /// split the response.
    private static func isPassedThrough(_ field: HTTPField) -> Bool {
        let name = field.name
        if name.equalsIgnoringASCIICase("Content-Length") || name.equalsIgnoringASCIICase("Transfer-Encoding")
            || name.equalsIgnoringASCIICase("Connection")
        {
            return false
        }

        let breaksLine: (UInt8) -> Bool = { $0 == 0x0D || $0 == 0x0A }
        return !name.utf8.contains(where: breaksLine) && !field.value.utf8.contains(where: breaksLine)
    }

    /// Whether the handler asked for the connection to close after this response.
    var asksToClose: Bool {
        headers.containsToken("close", in: "Connection")
    }
}
