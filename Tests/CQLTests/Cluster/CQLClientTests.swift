import DNANetwork
import Synchronization
import Testing

@testable import CQL

/// Client behaviour (discovery, routing, re-prepare, reconnects) against fake nodes on loopback addresses.
@Suite struct CQLClientTests {
    static let insert = "INSERT INTO ks.t (k, v) VALUES (?, ?)"
    static let statementID: [UInt8] = [0xa1, 0xb2]

    /// Answers PREPARE with one id and anything else with Void.
    static let preparesAndAccepts: FakeCQLServer.Behaviour = { request, peer in
        if request.opcode == .prepare {
            let body = FakeBodies.prepared(id: statementID, markers: [("k", 0x000D), ("v", 0x0009)], keyIndexes: [0])
            peer.reply(request, .result, body)
        } else {
            peer.reply(request, .result, FakeBodies.void)
        }
    }

    private func configuration(_ port: Int) -> CQLClient.Configuration {
        var configuration = CQLClient.Configuration(contactPoints: [CQLEndpoint(host: "127.0.0.1", port: port)])
        configuration.reconnectBackoff = CQLBackoff(initial: .milliseconds(10), maximum: .milliseconds(50))
        configuration.connectionsPerHost = 1
        return configuration
    }

    @Test func discoveryAndTokenAwareRouting() async throws {
        let first = FakeNode.Member(address: [127, 0, 0, 1], tokens: ["-6000000000000000000"])
        let second = FakeNode.Member(address: [127, 0, 0, 2], tokens: ["5000000000000000000"])
        let serverA = try FakeCQLServer(
            behaviour: FakeNode(me: first, peers: [second]).behaviour(Self.preparesAndAccepts)
        )
        var options = FakeCQLServer.Options()
        options.host = "127.0.0.2"
        options.port = serverA.port
        let serverB = try FakeCQLServer(
            options: options,
            behaviour: FakeNode(me: second, peers: [first]).behaviour(Self.preparesAndAccepts)
        )

        let client = try await CQLClient.connect(configuration(serverA.port))
        #expect(Set(client.hosts.map(\.address)) == ["127.0.0.1", "127.0.0.2"])
        #expect(client.hosts.first?.tokens == [-6_000_000_000_000_000_000])

        let statement = try await client.prepare(Self.insert)
        #expect(statement.metadata.partitionKeyIndexes == [0])
        #expect(try await client.prepare(Self.insert) === statement)

        // "test" hashes to -6017608668500074083 (owned by A), "xd" to 4507812186440344727 (owned by B).
        for _ in 0..<4 {
            _ = try await client.execute(
                statement,
                [.text("test"), .int(1)],
                options: .init(serialConsistency: .serial)
            )
            _ = try await client.execute(statement, [.text("xd"), .int(2)], options: .init(serialConsistency: .serial))
        }
        let executedOnA = serverA.requests.filter { $0.opcode == .execute }.map { $0.values.first ?? nil }
        let executedOnB = serverB.requests.filter { $0.opcode == .execute }.map { $0.values.first ?? nil }
        #expect(executedOnA.count == 4)
        #expect(executedOnA.allSatisfy { $0 == Array("test".utf8) })
        #expect(executedOnB.count == 4)
        #expect(executedOnB.allSatisfy { $0 == Array("xd".utf8) })
        // B never prepared the statement: an Unprepared from it would have been answered by a PREPARE there.

        await client.close()
        await serverA.shutdown()
        await serverB.shutdown()
    }

    @Test func unpreparedIsPreparedAgainOnTheSameConnectionAndRetriedOnce() async throws {
        let forgotten = Mutex(false)
        let node = FakeNode(me: .init(address: [127, 0, 0, 1], tokens: ["0"]), peers: [])
        let server = try FakeCQLServer(
            behaviour: node.behaviour { request, peer in
                if request.opcode == .execute, forgotten.withLock({ $0 }) {
                    var extra = WireWriter()
                    try? extra.writeShortBytes(Self.statementID)
                    peer.reply(request, .error, FakeBodies.error(.unprepared, "unknown id", extra: extra.bytes))
                    return
                }
                if request.opcode == .prepare {
                    forgotten.withLock { $0 = false }
                }
                Self.preparesAndAccepts(request, peer)
            }
        )
        let client = try await CQLClient.connect(configuration(server.port))
        let statement = try await client.prepare(Self.insert)
        _ = try await client.execute(statement, [.text("k"), .int(1)])

        forgotten.withLock { $0 = true }
        let result = try await client.execute(statement, [.text("k"), .int(2)])
        #expect(result == .void)

        let tail = server.requests.suffix(3)
        #expect(tail.map(\.opcode) == [.execute, .prepare, .execute])
        #expect(Set(tail.map(\.connection)).count == 1)

        await client.close()
        await server.shutdown()
    }

    @Test func anUnpreparedThatPersistsIsReportedNotLooped() async throws {
        let node = FakeNode(me: .init(address: [127, 0, 0, 1], tokens: ["0"]), peers: [])
        let server = try FakeCQLServer(
            behaviour: node.behaviour { request, peer in
                if request.opcode == .execute {
                    var extra = WireWriter()
                    try? extra.writeShortBytes(Self.statementID)
                    peer.reply(request, .error, FakeBodies.error(.unprepared, "unknown id", extra: extra.bytes))
                } else {
                    Self.preparesAndAccepts(request, peer)
                }
            }
        )
        let client = try await CQLClient.connect(configuration(server.port))
        let statement = try await client.prepare(Self.insert)

        await #expect {
            try await client.execute(statement, [.text("k"), .int(1)])
        } throws: { error in
            (error as? CQLServerError)?.code == .unprepared
        }
        #expect(server.requests.filter { $0.opcode == .execute }.count == 2)

        await client.close()
        await server.shutdown()
    }

    @Test func aDroppedConnectionIsReplaced() async throws {
        let node = FakeNode(me: .init(address: [127, 0, 0, 1], tokens: ["0"]), peers: [])
        let server = try FakeCQLServer(behaviour: node.behaviour(Self.preparesAndAccepts))
        let client = try await CQLClient.connect(configuration(server.port))
        _ = try await client.query("INSERT INTO ks.t (k) VALUES ('a')")
        let before = server.connections.value

        server.dropConnections()
        let options = CQLStatementOptions(isIdempotent: true)
        _ = try await client.query("INSERT INTO ks.t (k) VALUES ('b')", options: options)
        #expect(server.connections.value > before)

        await client.close()
        await server.shutdown()
    }

    @Test func aNonIdempotentStatementIsNotRetriedAfterATimeout() async throws {
        let node = FakeNode(me: .init(address: [127, 0, 0, 1], tokens: ["0"]), peers: [])
        let server = try FakeCQLServer(behaviour: node.behaviour { _, _ in })
        var settings = configuration(server.port)
        settings.connection.requestTimeout = .milliseconds(50)
        let client = try await CQLClient.connect(settings)

        await #expect {
            try await client.query("UPDATE ks.t SET v = 1 WHERE k = 'a' IF v = 0")
        } throws: { error in
            (error as? CQLClientError)?.code == .timedOut
        }
        #expect(server.requests.filter { $0.text?.hasPrefix("UPDATE") == true }.count == 1)

        await client.close()
        await server.shutdown()
    }

    @Test func overloadedMovesToTheNextHostAndDownHostsGoLast() async throws {
        let first = FakeNode.Member(address: [127, 0, 0, 1], tokens: ["0"])
        let second = FakeNode.Member(address: [127, 0, 0, 3], tokens: ["100"])
        let serverA = try FakeCQLServer(
            behaviour: FakeNode(me: first, peers: [second]).behaviour { request, peer in
                peer.reply(request, .error, FakeBodies.error(.overloaded, "busy"))
            }
        )
        var options = FakeCQLServer.Options()
        options.host = "127.0.0.3"
        options.port = serverA.port
        let serverB = try FakeCQLServer(
            options: options,
            behaviour: FakeNode(me: second, peers: [first]).behaviour(Self.preparesAndAccepts)
        )
        let events = Watched<[CQLEvent]>([])
        var settings = configuration(serverA.port)
        settings.onEvent = { event in events.update { $0.append(event) } }
        let client = try await CQLClient.connect(settings)

        let key = CQLValue.bigint(7).bytes
        let tokenOwnedByA: Int64 = -50
        for _ in 0..<3 {
            let result = try await client.query("INSERT INTO ks.t (k) VALUES (7)", options: .init(routingKey: key))
            #expect(result == .void)
        }
        #expect(client.plan(token: tokenOwnedByA, conditional: true).map(\.host) == ["127.0.0.1", "127.0.0.3"])

        serverA.broadcast(stream: -1, .event, FakeBodies.statusEvent("DOWN", address: [127, 0, 0, 1], port: 9042))
        try await events.wait { !$0.isEmpty }
        #expect(client.plan(token: tokenOwnedByA, conditional: true).map(\.host) == ["127.0.0.3", "127.0.0.1"])

        await client.close()
        await serverA.shutdown()
        await serverB.shutdown()
    }

    @Test func badCredentialsFailTheConnect() async throws {
        var options = FakeCQLServer.Options()
        options.credentials = ("dna", "secret")
        let server = try FakeCQLServer(options: options) { _, _ in }
        var settings = configuration(server.port)
        settings.connection.authenticator = PasswordAuthenticator(username: "dna", password: "nope")

        await #expect {
            try await CQLClient.connect(settings)
        } throws: { error in
            (error as? CQLServerError)?.code == .badCredentials
        }
        await server.shutdown()
    }

    @Test func noContactPointAnswers() async throws {
        let server = try FakeCQLServer { _, _ in }
        let port = server.port
        await server.shutdown()

        await #expect {
            try await CQLClient.connect(configuration(port))
        } throws: { error in
            (error as? CQLClientError)?.code == .noHostAvailable
        }
    }
}

@Suite struct ControlConnectionTests {
    @Test func theControlConnectionIsReopenedAndEventsFlowAgain() async throws {
        let node = FakeNode(me: .init(address: [127, 0, 0, 1], tokens: ["0"]), peers: [])
        let server = try FakeCQLServer(behaviour: node.behaviour(CQLClientTests.preparesAndAccepts))
        let events = Watched<[CQLEvent]>([])
        var settings = CQLClient.Configuration(contactPoints: [CQLEndpoint(host: "127.0.0.1", port: server.port)])
        settings.reconnectBackoff = CQLBackoff(initial: .milliseconds(5), maximum: .milliseconds(20))
        settings.onEvent = { event in events.update { $0.append(event) } }
        let client = try await CQLClient.connect(settings)
        let registrations = server.requests.filter { $0.opcode == .register }.count

        server.dropConnections()
        try await server.log.wait { log in log.filter { $0.opcode == .register }.count > registrations }
        // The REGISTER arrived; its READY and the discovery that follows finish before the new control
        // connection is adopted, so wait for the rediscovery's second query too.
        try await server.log.wait { log in
            log.filter { $0.text?.contains("system.peers") == true }.count >= 2
        }

        server.broadcast(stream: -1, .event, FakeBodies.statusEvent("UP", address: [127, 0, 0, 1], port: 9042))
        let seen = try await events.wait { !$0.isEmpty }
        #expect(seen.first == .statusChange(change: "UP", address: CQLInet(address: [127, 0, 0, 1], port: 9042)))

        await client.close()
        await server.shutdown()
    }
}

@Suite struct CQLEndpointTests {
    @Test func parsing() {
        #expect(CQLEndpoint(parsing: "db") == CQLEndpoint(host: "db", port: 9042))
        #expect(CQLEndpoint(parsing: "db:19042") == CQLEndpoint(host: "db", port: 19042))
        #expect(CQLEndpoint(parsing: "[::1]:9000") == CQLEndpoint(host: "::1", port: 9000))
        #expect(CQLEndpoint(parsing: "[fe80::1]") == CQLEndpoint(host: "fe80::1", port: 9042))
        #expect(CQLEndpoint(parsing: "::1") == CQLEndpoint(host: "::1", port: 9042))
        for bad in ["", ":9042", "db:0", "db:65536", "db:x", "[::1", "[::1]9000"] {
            #expect(CQLEndpoint(parsing: bad) == nil, "\(bad)")
        }
        #expect(CQLEndpoint(host: "::1", port: 1).description == "[::1]:1")
    }
}
