/// Parses HTTP/1.1 responses from a byte stream, for ``HTTPClient`` and
/// tests. Informational (1xx) responses are skipped.
struct HTTPResponseParser {
    private static let maximumHeadLength = 64 << 10
    private static let headTerminator: [UInt8] = [13, 10, 13, 10]

    /// Parses one response from the front of `buffer`, consuming it.
    ///
    /// - Parameters:
    ///   - buffer: Received bytes.
    ///   - isComplete: Whether the peer has closed (ends a body without length).
    /// - Returns: The response, or `nil` when more bytes are needed.
    /// - Throws: ``NetworkError`` with code `malformed` or `tooLarge`.
    static func parse(_ buffer: inout ByteBuffer, isComplete: Bool) throws(NetworkError) -> HTTPClient.Response? {
        while true {
            guard let headLength = headLength(in: buffer) else {
                if buffer.readableBytes > maximumHeadLength {
                    throw NetworkError(code: .tooLarge, message: "response head too large")
                }
                return nil
            }

            var scratch = buffer
            // Force unwrap: headLength bytes were found in the buffer.
            let head = try parseHead(scratch.readString(headLength)!)
            guard let body = try readBody(of: head, from: &scratch, isComplete: isComplete) else {
                return nil
            }

            buffer = scratch
            if head.status >= 100 && head.status < 200 {
                continue
            }
            return HTTPClient.Response(
                status: head.status,
                reasonPhrase: head.reason,
                headers: head.headers,
                body: body
            )
        }
    }

    private struct Head {
        let status: Int
        let reason: String
        let headers: HTTPHeaders
    }

    private static func headLength(in buffer: ByteBuffer) -> Int? {
        let view = buffer.readableView
        guard view.count >= 4 else {
            return nil
        }

        var index = view.startIndex
        while index + 4 <= view.endIndex {
            if view[index] == 13, view[index + 1] == 10, view[index + 2] == 13, view[index + 3] == 10 {
                return index - view.startIndex + 4
            }
            index += 1
        }
        return nil
    }

    private static func parseHead(_ text: String) throws(NetworkError) -> Head {
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: true)
        guard let statusLine = lines.first else {
            throw NetworkError(code: .malformed, message: "empty response head")
        }

        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), status >= 100, status < 1000
        else {
            throw NetworkError(code: .malformed, message: "malformed status line")
        }

        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard case .success(let field) = HTTPSyntax.field(Array(line.utf8)) else {
                throw NetworkError(code: .malformed, message: "malformed response header")
            }
            headers.add(name: field.name, value: field.value)
        }
        return Head(status: status, reason: parts.count == 3 ? String(parts[2]) : "", headers: headers)
    }

    private static func readBody(
        of head: Head,
        from buffer: inout ByteBuffer,
        isComplete: Bool
    ) throws(NetworkError) -> [UInt8]? {
        if head.status < 200 || head.status == 204 || head.status == 304 {
            return []
        }

        if head.headers.containsToken("chunked", in: "Transfer-Encoding") {
            return try readChunkedBody(from: &buffer)
        }

        if let text = head.headers["Content-Length"] {
            guard let length = HTTPSyntax.decimal(Substring(text)) else {
                throw NetworkError(code: .malformed, message: "invalid Content-Length")
            }
            return buffer.readBytes(length)
        }

        guard isComplete else {
            return nil
        }
        defer { buffer.clear() }
        return buffer.bytes
    }

    private static func readChunkedBody(from buffer: inout ByteBuffer) throws(NetworkError) -> [UInt8]? {
        var body: [UInt8] = []

        while true {
            guard let lineEnd = buffer.firstIndex(of: 10), lineEnd > 0 else {
                return nil
            }
            // Force unwrap: lineEnd + 1 bytes are readable.
            let line = buffer.readString(lineEnd + 1)!
            let digits = line.prefix { $0 != ";" && $0 != "\r" }
            guard let size = Int(digits, radix: 16), size >= 0 else {
                throw NetworkError(code: .malformed, message: "invalid chunk size")
            }

            if size == 0 {
                // Trailers end with an empty line.
                while let end = buffer.firstIndex(of: 10) {
                    // Force unwrap: end + 1 bytes are readable.
                    if buffer.readString(end + 1)! == "\r\n" {
                        return body
                    }
                }
                return nil
            }

            guard let chunk = buffer.readBytes(size), buffer.readBytes(2) != nil else {
                return nil
            }
            body.append(contentsOf: chunk)
        }
    }
}
