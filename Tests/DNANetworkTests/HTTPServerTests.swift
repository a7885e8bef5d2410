import Testing

@testable import DNANetwork

@Suite("HTTP server on loopback", .timeLimit(.minutes(1)))
struct HTTPServerTests {
    @Test("a request's method, decoded path, query and headers reach the handler")
    func requestPartsReachHandler() async throws {
        try await withHTTPServer { server in
            let port = server.localAddress.port
            let response = try await HTTPClient.request(
                method: "POST",
                url: "http://127.0.0.1:\(port)/a%20b/c?q=x+y&z=%C3%A9&flag",
                headers: ["X-Test": "1"],
                body: Array("payload".utf8)
            )

            #expect(response.status == 200)
            #expect(response.headers["x-method"] == "POST")
            #expect(response.headers["X-PATH"] == "/a b/c")
            #expect(response.headers["X-Query-q"] == "x y")
            #expect(response.headers["X-Query-z"] == "é")
            #expect(response.headers["X-Query-flag"] == "")
            #expect(response.text == "payload")
            #expect(response.headers["Content-Length"] == "7")
            #expect(response.headers["Date"] != nil)
        }
    }

    @Test("keep-alive serves two requests on one connection")
    func keepAliveServesTwoRequests() async throws {
        try await withHTTPServer { server in
            let requests = [
                "GET /one HTTP/1.1\r\nHost: test\r\n\r\n",
                "GET /two HTTP/1.1\r\nHost: test\r\n\r\n",
            ]
            let result = try await exchange(port: server.localAddress.port, requests, expecting: 2)

            #expect(result.responses.map(\.status) == [200, 200])
            #expect(result.responses.map { $0.headers["X-Path"] } == ["/one", "/two"])
            #expect(result.responses.allSatisfy { $0.headers["Connection"] == nil })
        }
    }

    @Test("pipelined requests are answered in order")
    func pipelinedRequestsInOrder() async throws {
        let handler: @Sendable (HTTPRequest) async -> HTTPResponse = { request in
            if request.path == "/slow" {
                for _ in 0..<200 {
                    await Task.yield()
                }
            }
            return await echoRequest(request)
        }

        try await withHTTPServer(handler: handler) { server in
            let requests = [
                "GET /slow HTTP/1.1\r\nHost: test\r\n\r\n",
                "POST /fast HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n\r\nabc",
                "GET /last HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
            ]
            let result = try await exchange(
                port: server.localAddress.port,
                requests,
                expecting: 3,
                pipelined: true,
                expectClose: true
            )

            #expect(result.responses.map { $0.headers["X-Path"] } == ["/slow", "/fast", "/last"])
            #expect(result.responses[1].text == "abc")
            #expect(result.responses[2].headers["Connection"] == "close")
            #expect(result.closedByServer)
        }
    }

    @Test("a chunked request body is de-chunked")
    func chunkedBody() async throws {
        try await withHTTPServer { server in
            let request =
                "POST /chunked HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: yes\r\n\r\n"
            let result = try await exchange(port: server.localAddress.port, [request], expecting: 1)

            #expect(result.responses[0].status == 200)
            #expect(result.responses[0].text == "Wikipedia")
        }
    }

    @Test("Expect: 100-continue gets an interim response")
    func expectContinue() async throws {
        try await withHTTPServer { server in
            let request = "PUT /x HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok"
            let result = try await exchange(port: server.localAddress.port, [request], expecting: 1)

            #expect(String(decoding: result.rawBytes, as: UTF8.self).hasPrefix("HTTP/1.1 100 Continue\r\n\r\n"))
            #expect(result.responses[0].text == "ok")
        }
    }

    @Test("HEAD gets headers and the length, but no body")
    func headOmitsBody() async throws {
        let handler: @Sendable (HTTPRequest) async -> HTTPResponse = { _ in HTTPResponse(text: "twelve bytes") }

        try await withHTTPServer(handler: handler) { server in
            let requests = ["HEAD / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"]
            let result = try await exchange(
                port: server.localAddress.port,
                requests,
                expecting: 0,
                pipelined: true,
                expectClose: true
            )

            let text = String(decoding: result.rawBytes, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.contains("Content-Length: 12\r\n"))
            #expect(text.hasSuffix("\r\n\r\n"))
        }
    }

    @Test("HTTP/1.0 without keep-alive closes after the response")
    func http10Closes() async throws {
        try await withHTTPServer { server in
            let result = try await exchange(
                port: server.localAddress.port,
                ["GET /old HTTP/1.0\r\n\r\n"],
                expecting: 1,
                expectClose: true
            )

            #expect(result.responses[0].status == 200)
            #expect(result.closedByServer)
        }
    }

    @Test(
        "invalid requests get their status and a close, and the server keeps serving",
        arguments: [
            ("GARBAGE\r\n\r\n", 400),
            ("GET / HTTP/1.1 extra\r\n\r\n", 400),
            ("GET /%zz HTTP/1.1\r\n\r\n", 400),
            ("GET / HTTP/1.1\nHost: bare-lf\r\n\r\n", 400),
            ("GET / HTTP/2.0\r\nHost: test\r\n\r\n", 505),
            ("GET / HTTP/1.1\r\n folded: header\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nContent-Length: 2097152\r\n\r\n", 413),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n300000\r\n", 413),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", 400),
            ("GET /" + String(repeating: "a", count: 9_000) + " HTTP/1.1\r\n\r\n", 414),
            ("GET / HTTP/1.1\r\nX-Big: " + String(repeating: "b", count: 40_000) + "\r\n\r\n", 431),
            ("GET / HTTP/1.1\r\n" + String(repeating: "X-Many: 1\r\n", count: 101) + "\r\n", 431),
        ]
    )
    func invalidRequestsAreRejected(request: String, status: Int) async throws {
        try await withHTTPServer { server in
            let port = server.localAddress.port
            let result = try await expectRejection(port: port, request, status: status)

            #expect(result.responses.first?.status == status)
            #expect(result.responses.first?.headers["Connection"] == "close")
            #expect(result.closedByServer)

            let good = try await HTTPClient.request(url: "http://127.0.0.1:\(port)/after")
            #expect(good.status == 200)
            #expect(good.headers["X-Path"] == "/after")
        }
    }

    @Test("a body that stops arriving gets 408 and a close")
    func truncatedBodyTimesOut() async throws {
        var configuration = HTTPServer.Configuration()
        configuration.requestTimeout = .milliseconds(200)

        try await withHTTPServer(configuration: configuration) { server in
            let port = server.localAddress.port
            let request = "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc"
            let result = try await expectRejection(port: port, request, status: 408)

            #expect(result.responses.first?.status == 408)
            #expect(result.closedByServer)

            let good = try await HTTPClient.request(url: "http://127.0.0.1:\(port)/after")
            #expect(good.status == 200)
        }
    }

    @Test("an idle keep-alive connection is closed after the keep-alive timeout")
    func idleConnectionCloses() async throws {
        var configuration = HTTPServer.Configuration()
        configuration.keepAliveTimeout = .milliseconds(100)

        try await withHTTPServer(configuration: configuration) { server in
            let result = try await exchange(
                port: server.localAddress.port,
                ["GET / HTTP/1.1\r\nHost: test\r\n\r\n"],
                expecting: 1,
                expectClose: true
            )
            #expect(result.responses.first?.status == 200)
            #expect(result.closedByServer)
        }
    }

    @Test("the client reports a refused connection and a bad URL")
    func clientErrors() async throws {
        let badURL = await #expect(throws: NetworkError.self) {
            try await HTTPClient.request(url: "ftp://example/")
        }
        #expect(badURL?.code == .invalidAddress)

        try await withLoopGroup(loops: 1) { group in
            let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in EchoHandler() }
            let port = listener.localAddress.port
            listener.close()
            await listener.waitUntilClosed()

            let refused = await #expect(throws: NetworkError.self) {
                try await HTTPClient.request(url: "http://127.0.0.1:\(port)/")
            }
            #expect(refused?.code == .connectionFailed)
        }
    }
}

@Suite("HTTP server lifecycle", .timeLimit(.minutes(1)))
struct HTTPServerLifecycleTests {
    @Test("many concurrent clients are all served")
    func concurrentClients() async throws {
        try await withHTTPServer { server in
            let port = server.localAddress.port

            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<16 {
                    group.addTask {
                        let response = try await HTTPClient.request(url: "http://127.0.0.1:\(port)/n/\(index)")
                        #expect(response.headers["X-Path"] == "/n/\(index)")
                        return response.status
                    }
                }

                var statuses: [Int] = []
                for try await status in group {
                    statuses.append(status)
                }
                #expect(statuses == Array(repeating: 200, count: 16))
            }
        }
    }

    @Test("shutdown closes idle keep-alive connections and ends run()")
    func shutdownClosesConnections() async throws {
        try await withLoopGroup { group in
            let server = try HTTPServer(host: "127.0.0.1", port: 0, group: group, handler: echoRequest)
            let port = server.localAddress.port

            try await withThrowingDiscardingTaskGroup { tasks in
                tasks.addTask { await server.run() }

                let closed = try await ThreadLauncher.runBlocking(name: "test-http") {
                    let deadline = MonotonicTime.now().advanced(by: .seconds(10))
                    let socket = try BlockingSocket.connect(host: "127.0.0.1", port: port, deadline: deadline)
                    try socket.send(Array("GET / HTTP/1.1\r\nHost: t\r\n\r\n".utf8), deadline: deadline)

                    var buffer = ByteBuffer()
                    let response = try HTTPClient.readResponse(from: socket, buffer: &buffer, deadline: deadline)
                    server.shutdown()
                    _ = try socket.receiveUntilClosed(deadline: deadline)
                    return response.status
                }
                #expect(closed == 200)
            }
            #expect(server.openConnectionCount == 0)
        }
    }

    @Test("cancelling run() shuts the server down")
    func cancellationShutsDown() async throws {
        try await withLoopGroup { group in
            let server = try HTTPServer(host: "127.0.0.1", port: 0, group: group, handler: echoRequest)
            let port = server.localAddress.port

            let running = Task { await server.run() }
            let first = try await HTTPClient.request(url: "http://127.0.0.1:\(port)/")
            #expect(first.status == 200)

            running.cancel()
            await running.value

            let error = await #expect(throws: NetworkError.self) {
                try await HTTPClient.request(url: "http://127.0.0.1:\(port)/", timeout: .seconds(2))
            }
            #expect(error?.code == .connectionFailed)
        }
    }
}
