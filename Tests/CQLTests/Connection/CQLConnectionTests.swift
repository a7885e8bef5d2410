import DNANetwork
import Glibc
import Synchronization
import Testing

@testable import CQL

/// Connection behaviour against the in-test responder (FakeCQLServer), over real loopback sockets.
@Suite struct CQLConnectionTests {
    static let loops: EventLoopGroup = {
        // A failure to create one event loop leaves nothing to test with.
        try! EventLoopGroup(loopCount: 1)
    }()

    private func connect(
        _ server: FakeCQLServer,
        configuration: CQLConnection.Configuration = CQLConnection.Configuration(),
        onEvent: (@Sendable (CQLEvent) -> Void)? = nil
    ) async throws -> CQLConnection {
        try await CQLConnection.connect(
            host: "127.0.0.1",
            port: server.port,
            configuration: configuration,
            on: Self.loops.next(),
            onEvent: onEvent
        )
    }

    /// Answers each QUERY with one row holding the query text.
    static let echo: FakeCQLServer.Behaviour = { request, peer in
        let text = request.text ?? ""
        peer.reply(request, .result, FakeBodies.rows([("text", 0x000D)], [[Array(text.utf8)]]))
    }

    @Test func handshakeThenQuery() async throws {
        let server = try FakeCQLServer(behaviour: Self.echo)
        let connection = try await connect(server)

        let rows = try await connection.query("SELECT 1", CQLQueryParameters(consistency: .one)).rows
        #expect(try rows.first?.decode(String.self, "text") == "SELECT 1")

        let opcodes = server.requests.map(\.opcode)
        #expect(opcodes == [.options, .startup, .query])
        let startup = server.requests[1].startupOptions
        #expect(startup["CQL_VERSION"] == "3.0.0")
        #expect(startup["DRIVER_NAME"] != nil)
        #expect(startup[Handshake.lwtExtension] == nil)
        #expect(connection.sharding == nil)

        connection.close()
        await server.shutdown()
    }

    @Test func responsesInAnyOrderReachTheirCallers() async throws {
        let held = Mutex<[(FakeCQLServer.Request, FakeCQLServer.Peer)]>([])
        let count = 20
        let server = try FakeCQLServer { request, peer in
            let batch = held.withLock { held -> [(FakeCQLServer.Request, FakeCQLServer.Peer)] in
                held.append((request, peer))
                guard held.count == count else {
                    return []
                }
                defer { held = [] }
                return held
            }
            for (request, peer) in batch.reversed() {
                Self.echo(request, peer)
            }
        }
        let connection = try await connect(server)

        let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for index in 0..<count {
                group.addTask {
                    let result = try await connection.query("q\(index)", CQLQueryParameters(consistency: .one))
                    return (index, try result.rows.first?.decode(String.self, "text"))
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }

        #expect(answers.count == count)
        for index in 0..<count {
            #expect(answers[index] == "q\(index)")
        }
        let streams = Set(server.requests.filter { $0.opcode == .query }.map(\.stream))
        #expect(streams.count == count)
        #expect(connection.inFlightRequests == 0)

        connection.close()
        await server.shutdown()
    }

    @Test func aTimedOutStreamIsNotReusedUntilItsLateResponseArrives() async throws {
        let hung = Mutex<(FakeCQLServer.Request, FakeCQLServer.Peer)?>(nil)
        let server = try FakeCQLServer { request, peer in
            if request.text == "hang" {
                hung.withLock { $0 = (request, peer) }
            } else {
                Self.echo(request, peer)
            }
        }
        var configuration = CQLConnection.Configuration()
        configuration.requestTimeout = .milliseconds(100)
        let connection = try await connect(server, configuration: configuration)

        await #expect {
            try await connection.query("hang", CQLQueryParameters(consistency: .one))
        } throws: { error in
            (error as? CQLClientError)?.code == .timedOut
        }
        #expect(connection.orphanedRequests == 1)

        let next = try await connection.query("after", CQLQueryParameters(consistency: .one))
        #expect(try next.rows.first?.decode(String.self, "text") == "after")
        let queries = server.requests.filter { $0.opcode == .query }
        #expect(queries.count == 2)
        #expect(queries[0].stream != queries[1].stream)

        // The late answer frees the orphaned id and reaches nobody.
        if let (request, peer) = hung.withLock({ $0 }) {
            Self.echo(request, peer)
        }
        let third = try await connection.query("third", CQLQueryParameters(consistency: .one))
        #expect(try third.rows.first?.decode(String.self, "text") == "third")
        #expect(connection.orphanedRequests == 0)

        connection.close()
        await server.shutdown()
    }

    @Test func serverErrorsAreTyped() async throws {
        let server = try FakeCQLServer { request, peer in
            var extra = WireWriter()
            extra.writeConsistency(.localSerial)
            extra.writeInt(1)
            extra.writeInt(2)
            try? extra.writeString("CAS")
            peer.reply(request, .error, FakeBodies.error(.writeTimeout, "CAS timeout", extra: extra.bytes))
        }
        let connection = try await connect(server)

        await #expect {
            try await connection.query(
                "UPDATE t SET v = 1 WHERE k = 1 IF v = 0",
                CQLQueryParameters(consistency: .quorum)
            )
        } throws: { error in
            guard let error = error as? CQLServerError else {
                return false
            }
            return error.code == .writeTimeout && error.isUnknownConditionalOutcome
        }

        connection.close()
        await server.shutdown()
    }

    @Test func passwordAuthentication() async throws {
        var options = FakeCQLServer.Options()
        options.credentials = ("dna", "secret")
        let server = try FakeCQLServer(options: options, behaviour: Self.echo)

        let good = try await connect(
            server,
            configuration: .init(authenticator: PasswordAuthenticator(username: "dna", password: "secret"))
        )
        _ = try await good.query("SELECT 1", CQLQueryParameters(consistency: .one))
        good.close()

        await #expect {
            try await connect(
                server,
                configuration: .init(authenticator: PasswordAuthenticator(username: "dna", password: "wrong"))
            )
        } throws: { error in
            (error as? CQLServerError)?.code == .badCredentials
        }
        await #expect {
            try await connect(server)
        } throws: { error in
            (error as? CQLClientError)?.code == .authenticationFailed
        }

        await server.shutdown()
    }

    @Test func garbageClosesTheConnectionAndFailsItsRequests() async throws {
        let server = try FakeCQLServer { _, peer in
            peer.sendRaw([0x99, 0, 0, 0, 8, 0, 0, 0, 0])
        }
        let connection = try await connect(server)

        await #expect {
            try await connection.query("SELECT 1", CQLQueryParameters(consistency: .one))
        } throws: { error in
            (error as? CQLClientError)?.code == .protocolViolation
        }
        await connection.waitUntilClosed()
        #expect(connection.isClosed)
        await #expect(throws: CQLClientError.self) {
            try await connection.query("SELECT 2", CQLQueryParameters(consistency: .one))
        }

        await server.shutdown()
    }

    @Test func aServerCloseFailsRequestsInFlight() async throws {
        let server = try FakeCQLServer { _, peer in
            peer.close()
        }
        let connection = try await connect(server)

        await #expect {
            try await connection.query("SELECT 1", CQLQueryParameters(consistency: .one))
        } throws: { error in
            (error as? CQLClientError)?.code == .connectionClosed
        }
        #expect(connection.isClosed)

        await server.shutdown()
    }

    @Test func eventsReachTheHandler() async throws {
        let server = try FakeCQLServer { request, peer in
            peer.reply(request, .ready, [])
        }
        let events = Watched<[CQLEvent]>([])
        let connection = try await connect(server) { event in events.update { $0.append(event) } }
        try await connection.register(for: [.statusChange])

        server.broadcast(stream: -1, .event, FakeBodies.statusEvent("DOWN", address: [127, 0, 0, 9], port: 9042))
        let seen = try await events.wait { !$0.isEmpty }
        #expect(seen == [.statusChange(change: "DOWN", address: CQLInet(address: [127, 0, 0, 9], port: 9042))])

        connection.close()
        await server.shutdown()
    }

    @Test func scyllaExtensionsAreNegotiated() async throws {
        var options = FakeCQLServer.Options()
        options.supported = [
            ("SCYLLA_SHARD", ["1"]), ("SCYLLA_NR_SHARDS", ["4"]),
            ("SCYLLA_SHARDING_ALGORITHM", ["biased-token-round-robin"]), ("SCYLLA_SHARDING_IGNORE_MSB", ["12"]),
            ("SCYLLA_LWT_ADD_METADATA_MARK", ["LWT_OPTIMIZATION_META_BIT_MASK=2147483648"]),
        ]
        let server = try FakeCQLServer(options: options, behaviour: Self.echo)
        let connection = try await connect(server)

        #expect(connection.lwtMask == 0x8000_0000)
        #expect(connection.sharding?.shardCount == 4)
        #expect(connection.sharding?.shard == 1)
        let startup = server.requests[1].startupOptions
        #expect(startup["SCYLLA_LWT_ADD_METADATA_MARK"] == "LWT_OPTIMIZATION_META_BIT_MASK=2147483648")

        connection.close()
        await server.shutdown()
    }

    @Test func connectingToAClosedPortFails() async throws {
        // A socket bound but not listening holds a port nobody accepts on: a port freed by a closed server
        // could be taken at once by a listener of a test running in parallel.
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))

        await #expect {
            try await CQLConnection.connect(host: "127.0.0.1", port: port, on: Self.loops.next())
        } throws: { error in
            (error as? CQLClientError)?.code == .connectionFailed
        }
    }
}
