@testable import DNANetwork

/// Runs `body` with a served `HTTPServer` on 127.0.0.1, port 0, and shuts
/// everything down afterwards.
func withHTTPServer(
    configuration: HTTPServer.Configuration = .init(),
    handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse = echoRequest,
    _ body: @escaping @Sendable (HTTPServer) async throws -> Void
) async throws {
    try await withLoopGroup { group in
        let server = try HTTPServer(
            host: "127.0.0.1",
            port: 0,
            group: group,
            configuration: configuration,
            handler: handler
        )

        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask {
                await server.run()
            }
            do {
                try await body(server)
                server.shutdown()
            } catch {
                server.shutdown()
                throw error
            }
        }
    }
}

/// Answers with the method, decoded path and body of the request.
@Sendable func echoRequest(_ request: HTTPRequest) async -> HTTPResponse {
    var headers: HTTPHeaders = ["X-Method": request.method, "X-Path": request.path]
    for item in request.queryItems {
        headers.add(name: "X-Query-\(item.name)", value: item.value)
    }
    return HTTPResponse(status: .ok, headers: headers, body: request.body)
}

/// What a raw exchange on one connection produced.
struct RawExchange: Sendable {
    var responses: [HTTPClient.Response]
    var rawBytes: [UInt8]
    var closedByServer: Bool
}

/// Sends `requests` one after the other on one connection (each after the
/// previous response), or all at once when `pipelined`, and collects
/// `expecting` responses; with `expectClose`, also waits for the server's
/// end of file.
func exchange(
    port: Int,
    _ requests: [String],
    expecting: Int,
    pipelined: Bool = false,
    expectClose: Bool = false
) async throws -> RawExchange {
    try await ThreadLauncher.runBlocking(name: "test-http") {
        let deadline = MonotonicTime.now().advanced(by: .seconds(10))
        let socket = try BlockingSocket.connect(host: "127.0.0.1", port: port, deadline: deadline)
        defer { socket.close() }

        var recorder = RecordingBuffer()
        var result = RawExchange(responses: [], rawBytes: [], closedByServer: false)

        if pipelined {
            try socket.send(Array(requests.joined().utf8), deadline: deadline)
        }
        for index in 0..<expecting {
            if !pipelined, index < requests.count {
                try socket.send(Array(requests[index].utf8), deadline: deadline)
            }
            result.responses.append(try recorder.readResponse(from: socket, deadline: deadline))
        }

        if expectClose {
            recorder.raw.append(contentsOf: try socket.receiveUntilClosed(deadline: deadline))
            result.closedByServer = true
        }
        result.rawBytes = recorder.raw
        return result
    }
}

/// Keeps every byte read, for checks on the raw wire format.
private struct RecordingBuffer {
    var buffer = ByteBuffer()
    var raw: [UInt8] = []

    mutating func readResponse(from socket: BlockingSocket, deadline: MonotonicTime) throws -> HTTPClient.Response {
        var isComplete = false
        while true {
            if let response = try HTTPResponseParser.parse(&buffer, isComplete: isComplete) {
                return response
            }
            guard !isComplete else {
                throw NetworkError(code: .closed, message: "closed before a complete response")
            }

            let chunk = try socket.receive(deadline: deadline)
            raw.append(contentsOf: chunk)
            isComplete = chunk.isEmpty
            buffer.append(contentsOf: chunk)
        }
    }
}

/// Sends `request` and expects one response with `status`, then a close.
func expectRejection(port: Int, _ request: String, status: Int) async throws -> RawExchange {
    try await exchange(port: port, [request], expecting: 1, expectClose: true)
}
