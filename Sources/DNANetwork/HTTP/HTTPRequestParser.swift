/// A request the parser refused, with the status to answer it with.
struct HTTPParseError: Error, Sendable, Equatable {
    let status: HTTPStatus
    let message: String

    static func malformed(_ message: String) -> HTTPParseError {
        HTTPParseError(status: .badRequest, message: message)
    }
}

/// An incremental HTTP/1.1 request parser with size bounds.
///
/// It consumes bytes from a ``ByteBuffer`` as they arrive, in any split, and
/// yields one request at a time; bytes of a pipelined next request stay in
/// the buffer. A partial line is never rescanned from its start, so a request
/// that trickles in byte by byte costs linear time. After a failure the
/// connection must be closed: the stream cannot be resynchronised.
///
/// - Important: A value type used by one connection on its loop thread.
struct HTTPRequestParser {
    /// The bounds a request must respect.
    struct Limits: Sendable {
        var requestLineLength: Int
        var headerBytes: Int
        var headerCount: Int
        var bodyBytes: Int
    }

    enum Outcome {
        /// The buffer holds no complete request yet.
        case needMoreData

        /// The headers ask for `100 Continue` before the body is sent.
        case continueExpected

        /// A complete request, consumed from the buffer.
        case request(HTTPRequest)

        /// The request is invalid; answer with the error's status and close.
        case failure(HTTPParseError)
    }

    private enum State {
        case requestLine
        case headers
        case body(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case failed
    }

    private enum Line {
        case complete([UInt8])
        case incomplete
        case failure(HTTPParseError)
    }

    private static let maximumChunkSizeLine = 1_024
    private static let maximumLeadingEmptyLines = 4

    let limits: Limits
    private var state = State.requestLine
    private var scannedBytes = 0
    private var leadingEmptyLines = 0
    private var method = ""
    private var target = ""
    private var path = ""
    private var queryItems: [HTTPQueryItem] = []
    private var version = HTTPVersion.http11
    private var headers = HTTPHeaders()
    private var headerBytes = 0
    private var body: [UInt8] = []
    private var hasAnsweredExpectation = false

    init(limits: Limits) {
        self.limits = limits
    }

    /// Whether part of a request has been consumed but the request is not complete.
    var isMidRequest: Bool {
        if case .requestLine = state {
            return scannedBytes > 0
        }
        return true
    }

    /// Consumes bytes from `buffer` until a request is complete, more bytes
    /// are needed, or the input is invalid.
    mutating func parse(_ buffer: inout ByteBuffer) -> Outcome {
        while true {
            let step: Outcome?
            switch state {
            case .requestLine:
                step = parseRequestLine(&buffer)
            case .headers:
                step = parseHeaderLine(&buffer)
            case .body(let remaining):
                step = parseBody(&buffer, remaining: remaining)
            case .chunkSize:
                step = parseChunkSize(&buffer)
            case .chunkData(let remaining):
                step = parseChunkData(&buffer, remaining: remaining)
            case .chunkDataEnd:
                step = parseChunkDataEnd(&buffer)
            case .trailers:
                step = parseTrailerLine(&buffer)
            case .failed:
                step = .failure(.malformed("the connection already failed"))
            }

            if let step {
                if case .failure = step {
                    state = .failed
                }
                return step
            }
        }
    }

    // MARK: Request line and headers

    private mutating func parseRequestLine(_ buffer: inout ByteBuffer) -> Outcome? {
        let tooLong = HTTPParseError(status: .uriTooLong, message: "request line too long")
        switch nextLine(&buffer, limit: limits.requestLineLength, tooLong: tooLong) {
        case .incomplete:
            return .needMoreData
        case .failure(let error):
            return .failure(error)
        case .complete(let line) where line.isEmpty:
            leadingEmptyLines += 1
            return leadingEmptyLines > Self.maximumLeadingEmptyLines ? .failure(.malformed("empty lines")) : nil
        case .complete(let line):
            return readRequestLine(line)
        }
    }

    private mutating func readRequestLine(_ line: [UInt8]) -> Outcome? {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(HTTPSyntax.isTokenByte) else {
            return .failure(.malformed("malformed request line"))
        }
        guard !parts[1].isEmpty, parts[1].allSatisfy(HTTPSyntax.isTargetByte) else {
            return .failure(.malformed("malformed request target"))
        }

        switch HTTPSyntax.version(parts[2]) {
        case .none:
            return .failure(.malformed("malformed HTTP version"))
        case .some(let parsed) where parsed != .http10 && parsed != .http11:
            return .failure(HTTPParseError(status: .httpVersionNotSupported, message: "unsupported \(parsed)"))
        case .some(let parsed):
            version = parsed
        }

        target = String(decoding: parts[1], as: UTF8.self)
        guard let decoded = RequestTarget.decode(target) else {
            return .failure(.malformed("invalid request target"))
        }

        method = String(decoding: parts[0], as: UTF8.self)
        path = decoded.path
        queryItems = decoded.query
        state = .headers
        return nil
    }

    private mutating func parseHeaderLine(_ buffer: inout ByteBuffer) -> Outcome? {
        guard let line = nextHeaderSectionLine(&buffer) else {
            return .needMoreData
        }
        guard case .complete(let bytes) = line else {
            return failureOutcome(of: line)
        }
        guard !bytes.isEmpty else {
            return headersDidEnd()
        }

        switch HTTPSyntax.field(bytes) {
        case .failure(let error):
            return .failure(error)
        case .success(let field):
            headers.add(name: field.name, value: field.value)
        }
        return headers.count > limits.headerCount ? .failure(Self.headersTooLarge("too many header fields")) : nil
    }

    /// Chooses how the body is framed, once the header section is complete.
    private mutating func headersDidEnd() -> Outcome? {
        let transferCodings = headers.values(for: "Transfer-Encoding")
        let contentLengths = headers.values(for: "Content-Length")

        if !transferCodings.isEmpty {
            return beginChunkedBody(codings: transferCodings, hasContentLength: !contentLengths.isEmpty)
        }
        if !contentLengths.isEmpty {
            return beginFixedBody(lengths: contentLengths)
        }
        return .request(finishRequest())
    }

    private mutating func beginChunkedBody(codings: [String], hasContentLength: Bool) -> Outcome? {
        // Both framings at once is the classic request-smuggling shape: refuse it.
        guard !hasContentLength, version == .http11 else {
            return .failure(.malformed("Transfer-Encoding with Content-Length or on HTTP/1.0"))
        }

        let list = codings.flatMap { $0.split(separator: ",") }.map { $0.trimmingASCIIWhitespace() }
        guard list.count == 1, list[0].equalsIgnoringASCIICase("chunked") else {
            return .failure(HTTPParseError(status: .notImplemented, message: "unsupported transfer coding"))
        }

        state = .chunkSize
        return expectContinueIfAsked()
    }

    private mutating func beginFixedBody(lengths: [String]) -> Outcome? {
        let values = Set(lengths.flatMap { $0.split(separator: ",") }.map { $0.trimmingASCIIWhitespace() })
        guard values.count == 1, let text = values.first, let length = HTTPSyntax.decimal(text) else {
            return .failure(.malformed("invalid Content-Length"))
        }
        guard length <= limits.bodyBytes else {
            return .failure(Self.bodyTooLarge)
        }
        guard length > 0 else {
            return .request(finishRequest())
        }

        body.reserveCapacity(min(length, 64 << 10))
        state = .body(remaining: length)
        return expectContinueIfAsked()
    }

    private mutating func expectContinueIfAsked() -> Outcome? {
        guard !hasAnsweredExpectation, headers.containsToken("100-continue", in: "Expect") else {
            return nil
        }

        hasAnsweredExpectation = true
        return .continueExpected
    }

    // MARK: Bodies

    private mutating func parseBody(_ buffer: inout ByteBuffer, remaining: Int) -> Outcome? {
        let count = min(remaining, buffer.readableBytes)
        guard count > 0 else {
            return .needMoreData
        }

        body.append(contentsOf: buffer.readableView.prefix(count))
        buffer.moveReaderIndex(forwardBy: count)

        guard count == remaining else {
            state = .body(remaining: remaining - count)
            return .needMoreData
        }
        return .request(finishRequest())
    }

    private mutating func parseChunkSize(_ buffer: inout ByteBuffer) -> Outcome? {
        let tooLong = HTTPParseError.malformed("chunk size line too long")
        switch nextLine(&buffer, limit: Self.maximumChunkSizeLine, tooLong: tooLong) {
        case .incomplete:
            return .needMoreData
        case .failure(let error):
            return .failure(error)
        case .complete(let line):
            return readChunkSize(line)
        }
    }

    private mutating func readChunkSize(_ line: [UInt8]) -> Outcome? {
        let digits = line.prefix { $0 != UInt8(ascii: ";") }
        guard !digits.isEmpty, digits.allSatisfy({ RequestTarget.hexValue($0) != nil }) else {
            return .failure(.malformed("invalid chunk size"))
        }
        guard digits.count <= 15 else {
            return .failure(Self.bodyTooLarge)
        }

        // Force unwrap: every digit was checked to be hexadecimal above.
        let size = digits.reduce(0) { $0 << 4 | Int(RequestTarget.hexValue($1)!) }
        guard body.count + size <= limits.bodyBytes else {
            return .failure(Self.bodyTooLarge)
        }

        state = size == 0 ? .trailers : .chunkData(remaining: size)
        return nil
    }

    private mutating func parseChunkData(_ buffer: inout ByteBuffer, remaining: Int) -> Outcome? {
        let count = min(remaining, buffer.readableBytes)
        guard count > 0 else {
            return .needMoreData
        }

        body.append(contentsOf: buffer.readableView.prefix(count))
        buffer.moveReaderIndex(forwardBy: count)
        state = count == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - count)
        return nil
    }

    private mutating func parseChunkDataEnd(_ buffer: inout ByteBuffer) -> Outcome? {
        guard buffer.readableBytes >= 2 else {
            return .needMoreData
        }
        guard buffer.byte(at: 0) == UInt8(ascii: "\r"), buffer.byte(at: 1) == UInt8(ascii: "\n") else {
            return .failure(.malformed("chunk data not followed by CRLF"))
        }

        buffer.moveReaderIndex(forwardBy: 2)
        state = .chunkSize
        return nil
    }

    private mutating func parseTrailerLine(_ buffer: inout ByteBuffer) -> Outcome? {
        guard let line = nextHeaderSectionLine(&buffer) else {
            return .needMoreData
        }
        guard case .complete(let bytes) = line else {
            return failureOutcome(of: line)
        }
        guard !bytes.isEmpty else {
            return .request(finishRequest())
        }

        // Trailers are checked and counted against the header bounds, then dropped.
        if case .failure(let error) = HTTPSyntax.field(bytes) {
            return .failure(error)
        }
        return nil
    }

    // MARK: Lines

    /// The next line of the header section (headers or trailers), charged
    /// against the header-section budget; `nil` when incomplete.
    private mutating func nextHeaderSectionLine(_ buffer: inout ByteBuffer) -> Line? {
        let budget = limits.headerBytes - headerBytes
        let tooLarge = Self.headersTooLarge("header section too large")

        let line = nextLine(&buffer, limit: budget, tooLong: tooLarge)
        switch line {
        case .incomplete:
            return nil
        case .complete(let bytes):
            headerBytes += bytes.count + 2
            return line
        case .failure:
            return line
        }
    }

    /// Takes one CRLF-terminated line off the front of `buffer`.
    ///
    /// - Parameters:
    ///   - limit: The most bytes the line may take, CRLF included.
    ///   - tooLong: The error when the line would exceed `limit`.
    private mutating func nextLine(_ buffer: inout ByteBuffer, limit: Int, tooLong: HTTPParseError) -> Line {
        guard let newline = buffer.firstIndex(of: UInt8(ascii: "\n"), from: scannedBytes) else {
            scannedBytes = buffer.readableBytes
            return scannedBytes > limit ? .failure(tooLong) : .incomplete
        }

        scannedBytes = 0
        guard newline + 1 <= limit else {
            return .failure(tooLong)
        }
        guard newline > 0, buffer.byte(at: newline - 1) == UInt8(ascii: "\r") else {
            return .failure(.malformed("line not terminated by CRLF"))
        }

        // Force unwrap: `newline - 1` bytes are readable, as `newline` was found inside the buffer.
        let line = buffer.readBytes(newline - 1)!
        buffer.moveReaderIndex(forwardBy: 2)
        return .complete(line)
    }

    // MARK: Completion

    private mutating func finishRequest() -> HTTPRequest {
        let request = HTTPRequest(
            method: method,
            target: target,
            path: path,
            queryItems: queryItems,
            version: version,
            headers: headers,
            body: body
        )

        self = HTTPRequestParser(limits: limits)
        return request
    }

    private func failureOutcome(of line: Line) -> Outcome? {
        if case .failure(let error) = line {
            return .failure(error)
        }
        return nil
    }

    private static let bodyTooLarge = HTTPParseError(status: .contentTooLarge, message: "body too large")

    private static func headersTooLarge(_ message: String) -> HTTPParseError {
        HTTPParseError(status: .requestHeaderFieldsTooLarge, message: message)
    }
}
