/// Serves HTTP/1.1 on one connection: parses requests, hands them to the
/// server one at a time, writes the responses in order, and enforces the
/// request and keep-alive timeouts.
///
/// - Important: Confined to the connection's loop thread.
final class HTTPServerConnectionHandler: TCPConnectionHandler {
    private enum Phase {
        /// Between requests, waiting for the next one's first byte.
        case idle

        /// Part of a request has arrived.
        case receiving

        /// A request is with the application; later bytes wait in `pending`.
        case responding(keepAlive: Bool, omitsBody: Bool)

        /// Closing; nothing more is parsed or answered.
        case closing
    }

    private static let continueBytes = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private let configuration: HTTPServer.Configuration
    private let dispatch: @Sendable (HTTPServer.Job) -> Void
    private let didClose: @Sendable () -> Void
    private var parser: HTTPRequestParser
    private var pending = ByteBuffer()
    private var phase = Phase.idle
    private var connection: TCPConnection?
    private var requestTimer: ScheduledTask?
    private var idleTimer: ScheduledTask?

    init(
        configuration: HTTPServer.Configuration,
        dispatch: @escaping @Sendable (HTTPServer.Job) -> Void,
        didClose: @escaping @Sendable () -> Void
    ) {
        self.configuration = configuration
        self.dispatch = dispatch
        self.didClose = didClose
        self.parser = HTTPRequestParser(limits: configuration.parserLimits)
    }

    func connectionDidBecomeActive(_ connection: TCPConnection) {
        self.connection = connection
        enterIdle()
    }

    func connection(_ connection: TCPConnection, didRead buffer: inout ByteBuffer) {
        if pending.isEmpty {
            swap(&pending, &buffer)
        } else {
            pending.append(buffer)
            buffer.clear()
        }

        switch phase {
        case .idle, .receiving:
            process()
        case .responding:
            // Pipelined bytes wait for the current response; past a bound, let TCP hold them back.
            if pending.readableBytes > configuration.maximumRequestLineLength + configuration.maximumHeaderBytes {
                connection.pauseReading()
            }
        case .closing:
            pending.clear()
        }
    }

    func connection(_ connection: TCPConnection, didCloseWith reason: TCPCloseReason) {
        phase = .closing
        cancelTimers()
        self.connection = nil
        didClose()
    }

    /// Parses buffered bytes until a request is complete or more bytes are needed.
    private func process() {
        guard let connection else {
            return
        }

        while true {
            switch parser.parse(&pending) {
            case .needMoreData:
                if parser.isMidRequest || !pending.isEmpty {
                    enterReceiving()
                } else {
                    enterIdle()
                }
                return

            case .continueExpected:
                connection.write(Self.continueBytes)

            case .request(let request):
                startResponding(to: request, on: connection)
                return

            case .failure(let error):
                fail(with: error.status, message: error.message)
                return
            }
        }
    }

    private func startResponding(to request: HTTPRequest, on connection: TCPConnection) {
        cancelTimers()
        phase = .responding(keepAlive: request.keepsConnectionAlive, omitsBody: request.method == "HEAD")

        let handler = LoopConfined(self, loop: connection.loop)
        dispatch(
            HTTPServer.Job(request: request) { response in
                handler.loop.execute {
                    handler.value.finish(with: response)
                }
            }
        )
    }

    private func finish(with response: HTTPResponse) {
        guard case .responding(let keepAlive, let omitsBody) = phase, let connection else {
            return
        }

        let closes = !keepAlive || response.asksToClose
        connection.write(response.serialized(closesConnection: closes, date: date, omitsBody: omitsBody))
        if closes {
            phase = .closing
            connection.close()
            return
        }

        phase = .idle
        connection.resumeReading()
        process()
    }

    /// Answers an invalid or late request with `status` and closes the connection.
    private func fail(with status: HTTPStatus, message: String) {
        cancelTimers()
        phase = .closing
        pending.clear()

        let body = "{\"error\":{\"code\":\"\(Self.errorCode(for: status))\",\"message\":\"\(message)\"}}"
        let response = HTTPResponse(status: status, contentType: "application/json", text: body)
        connection?.write(response.serialized(closesConnection: true, date: date, omitsBody: false))
        connection?.close()
    }

    private var date: String? {
        configuration.includesDateHeader ? HTTPDate.now() : nil
    }

    // MARK: Timers

    private func enterIdle() {
        phase = .idle
        requestTimer?.cancel()
        requestTimer = nil

        guard let connection, idleTimer == nil else {
            return
        }
        let handler = LoopConfined(self, loop: connection.loop)
        idleTimer = connection.loop.scheduleTask(in: configuration.keepAliveTimeout) {
            handler.value.idleTimerFired()
        }
    }

    private func enterReceiving() {
        phase = .receiving
        idleTimer?.cancel()
        idleTimer = nil

        guard let connection, requestTimer == nil else {
            return
        }
        let handler = LoopConfined(self, loop: connection.loop)
        requestTimer = connection.loop.scheduleTask(in: configuration.requestTimeout) {
            handler.value.requestTimerFired()
        }
    }

    private func idleTimerFired() {
        idleTimer = nil
        if case .idle = phase {
            phase = .closing
            connection?.close()
        }
    }

    private func requestTimerFired() {
        requestTimer = nil
        if case .receiving = phase {
            fail(with: .requestTimeout, message: "the request did not arrive in time")
        }
    }

    private func cancelTimers() {
        requestTimer?.cancel()
        requestTimer = nil
        idleTimer?.cancel()
        idleTimer = nil
    }

    private static func errorCode(for status: HTTPStatus) -> String {
        switch status.code {
        case 408: "request_timeout"
        case 413: "body_too_large"
        case 414: "request_line_too_long"
        case 431: "headers_too_large"
        case 501: "not_implemented"
        case 505: "version_not_supported"
        default: "bad_request"
        }
    }
}
