import DNANetwork
import Foundation
import Synchronization

/// A client of a Cassandra or ScyllaDB cluster: discovery, a pool per host, token- and shard-aware routing,
/// prepared statements re-prepared where a node forgot them, and retries where they are safe.
///
/// Create one with ``connect(_:on:)`` and share it: every method may be called from many tasks at once. No
/// method blocks a thread; sockets run on DNANetwork event loops. Statements must name their keyspace
/// (`ks.table`): the client does not track `USE`.
public final class CQLClient: Sendable {
    private struct State {
        var hosts: [CQLEndpoint: CQLHost] = [:]
        var order: [CQLEndpoint] = []
        var pools: [CQLEndpoint: HostPool] = [:]
        var reportedDown: Set<String> = []
        var ring = TokenRing(hosts: [])
        var control: CQLConnection?
        var preparedByID: [[UInt8]: CQLPreparedStatement] = [:]
        var preparedByText: [String: CQLPreparedStatement] = [:]
        var refresh: Task<Void, Never>?
        var closed = false
    }

    /// The configuration the client was created with.
    public let configuration: Configuration

    private let loops: EventLoopGroup
    private let ownsLoops: Bool
    private let state = Mutex(State())
    private let cursor = Atomic<Int>(0)
    private let monitor = Mutex<Task<Void, Never>?>(nil)

    private init(configuration: Configuration, loops: EventLoopGroup, ownsLoops: Bool) {
        self.configuration = configuration
        self.loops = loops
        self.ownsLoops = ownsLoops
    }

    /// Connects to the first contact point that answers, discovers the cluster and registers for its events.
    ///
    /// - Parameters:
    ///   - configuration: Contact points, credentials, routing and timeouts.
    ///   - group: The event loops to run sockets on; the client makes (and later shuts down) one of its own
    ///     when `nil`.
    /// - Throws: ``CQLClientError/Code/noHostAvailable`` when no contact point could be opened, with the last
    ///   failure in the message; a ``CQLServerError`` such as bad credentials as it came.
    public static func connect(
        _ configuration: Configuration,
        on group: EventLoopGroup? = nil
    ) async throws -> CQLClient {
        guard !configuration.contactPoints.isEmpty else {
            throw CQLClientError(.invalidRequest, "no contact points were given")
        }
        let loops: EventLoopGroup
        do {
            loops = try group ?? EventLoopGroup(loopCount: 1)
        } catch {
            throw CQLClientError(.connectionFailed, "cannot start an event loop: \(error)")
        }
        let client = CQLClient(configuration: configuration, loops: loops, ownsLoops: group == nil)
        do {
            try await client.openControl(candidates: configuration.contactPoints)
        } catch {
            await client.close()
            throw error
        }
        client.startMonitor()
        return client
    }

    /// The hosts the client routes to.
    public var hosts: [CQLHost] {
        state.withLock { state in state.order.compactMap { state.hosts[$0] } }
    }

    /// What the control connection's node answered to OPTIONS (ScyllaDB announces `SCYLLA_*` keys).
    public var supported: CQLSupportedOptions? {
        state.withLock { $0.control?.supported }
    }

    /// Closes every connection and stops the background work. Requests in flight fail.
    public func close() async {
        let (pools, control, refresh) = state.withLock { state in
            state.closed = true
            defer { state.pools = [:] }
            return (Array(state.pools.values), state.control, state.refresh)
        }
        control?.close()
        let monitorTask = monitor.withLock { $0 }
        monitorTask?.cancel()
        await monitorTask?.value
        await refresh?.value
        for pool in pools {
            await pool.close()
        }
        if ownsLoops {
            await loops.shutdown()
        }
    }

    // MARK: Statements

    /// Runs query text.
    ///
    /// - Throws: ``CQLServerError`` as the server reported it; ``CQLClientError`` when no host could take the
    ///   request or it timed out.
    public func query(
        _ text: String,
        _ values: [CQLValue] = [],
        options: CQLStatementOptions = CQLStatementOptions()
    ) async throws -> CQLResult {
        let token = options.routingKey.map { Murmur3Token.token(of: $0) }
        return try await run(token: token, conditional: false, options: options) { _ in
            .query(text, self.parameters(values, options))
        }
    }

    /// Prepares a statement (once per text; later calls return the same statement).
    public func prepare(_ text: String) async throws -> CQLPreparedStatement {
        if let known = state.withLock({ $0.preparedByText[text] }) {
            return known
        }
        var prepared: CQLPreparedStatement?
        let options = CQLStatementOptions(isIdempotent: true)
        _ = try await run(token: nil, conditional: false, options: options) { _ in
            .prepare(text)
        } onResult: { result, connection in
            if case .prepared(let metadata) = result {
                prepared = CQLPreparedStatement(
                    text: text,
                    metadata: metadata,
                    isConditional: metadata.isConditional(lwtMask: connection.lwtMask)
                )
            }
        }
        guard let prepared else {
            throw CQLClientError(.protocolViolation, "PREPARE was answered by a result that is not Prepared")
        }
        return state.withLock { state in
            if let raced = state.preparedByText[text] {
                return raced
            }
            state.preparedByText[text] = prepared
            state.preparedByID[prepared.id] = prepared
            return prepared
        }
    }

    /// Runs a prepared statement, routed to a replica of its partition (the primary one first for
    /// lightweight transactions, so that contending Paxos rounds queue on one node).
    public func execute(
        _ statement: CQLPreparedStatement,
        _ values: [CQLValue] = [],
        options: CQLStatementOptions = CQLStatementOptions()
    ) async throws -> CQLResult {
        let key = options.routingKey ?? statement.routingKey(values)
        let conditional = statement.isConditional || options.serialConsistency != nil
        return try await run(token: key.map { Murmur3Token.token(of: $0) }, conditional: conditional, options: options)
        { _ in
            .execute(id: statement.id, self.parameters(values, options))
        }
    }

    /// Runs a batch, routed by the partition of its first prepared statement.
    public func batch(
        _ kind: CQLBatch.Kind,
        _ entries: [CQLBatchEntry],
        options: CQLStatementOptions = CQLStatementOptions()
    ) async throws -> CQLResult {
        var key = options.routingKey
        if key == nil {
            for entry in entries {
                if case .prepared(let statement) = entry.body, let found = statement.routingKey(entry.values) {
                    key = found
                    break
                }
            }
        }
        return try await run(
            token: key.map { Murmur3Token.token(of: $0) },
            conditional: options.serialConsistency != nil,
            options: options
        ) { _ in
            .batch(
                CQLBatch(
                    kind: kind,
                    statements: entries.map(\.statement),
                    consistency: options.consistency ?? self.configuration.defaultConsistency,
                    serialConsistency: options.serialConsistency,
                    defaultTimestamp: options.defaultTimestamp
                )
            )
        }
    }

    private func parameters(_ values: [CQLValue], _ options: CQLStatementOptions) -> CQLQueryParameters {
        CQLQueryParameters(
            consistency: options.consistency ?? configuration.defaultConsistency,
            values: values,
            pageSize: options.pageSize,
            pagingState: options.pagingState,
            serialConsistency: options.serialConsistency,
            defaultTimestamp: options.defaultTimestamp
        )
    }

    // MARK: Running

    /// Sends a request to the hosts of the query plan in turn until one answers.
    ///
    /// A host is skipped when it cannot be reached, is overloaded or bootstrapping, or the request is known
    /// not to have left the client; after a timeout or a lost connection, only idempotent statements move on.
    /// An Unprepared answer re-prepares the statement on the same connection and retries once.
    private func run(
        token: Int64?,
        conditional: Bool,
        options: CQLStatementOptions,
        request: @Sendable (CQLConnection) -> CQLRequest,
        onResult: (CQLResult, CQLConnection) -> Void = { _, _ in }
    ) async throws -> CQLResult {
        var lastError: any Error = CQLClientError(.noHostAvailable, "no host is known")
        for endpoint in plan(token: token, conditional: conditional) {
            guard let pool = state.withLock({ $0.pools[endpoint] }) else {
                continue
            }
            var connection: CQLConnection
            do {
                connection = try await pool.connection(for: token)
            } catch {
                lastError = error
                continue
            }

            var reprepared = false
            var reconnected = false
            while true {
                do {
                    let result = try await connection.result(of: request(connection), timeout: options.timeout)
                    onResult(result, connection)
                    return result
                } catch let error as CQLServerError {
                    if case .unprepared(let id) = error.details, !reprepared {
                        try await reprepare(id, on: connection)
                        reprepared = true
                        continue
                    }
                    guard error.isSafeToRetryElsewhere else {
                        throw error
                    }
                    lastError = error
                } catch let error as CQLClientError {
                    guard error.requestWasNotSent || options.isIdempotent else {
                        throw error
                    }
                    lastError = error
                    // A connection that closed under the request (a node restart, say) is replaced once.
                    if connection.isClosed, !reconnected, let fresh = try? await pool.connection(for: token) {
                        connection = fresh
                        reconnected = true
                        continue
                    }
                }
                break
            }
        }
        throw CQLClientError(.noHostAvailable, "no host could take the request; the last failure: \(lastError)")
    }

    private func reprepare(_ id: [UInt8], on connection: CQLConnection) async throws {
        guard let statement = state.withLock({ $0.preparedByID[id] }) else {
            throw CQLClientError(.protocolViolation, "a node does not know a prepared id this client never made")
        }
        configuration.logger.debug("re-preparing a statement", ["cql.host": connection.host])
        let metadata = try await connection.prepare(statement.text)
        guard metadata.id == id else {
            throw CQLClientError(
                .protocolViolation,
                "re-preparing changed the statement id (was the keyspace switched with USE?)"
            )
        }
        statement.update(metadata)
    }

    /// The hosts to try, in order: replicas of the token first (the primary first for conditional statements,
    /// rotating otherwise), then the others in turn; hosts reported down or in backoff go last.
    func plan(token: Int64?, conditional: Bool) -> [CQLEndpoint] {
        let turn = cursor.wrappingAdd(1, ordering: .relaxed).oldValue
        let (order, ring, down) = state.withLock { state in
            let down = Set(
                state.order.filter { endpoint in
                    state.reportedDown.contains(endpoint.host) || state.pools[endpoint]?.isDown == true
                }
            )
            return (state.order, state.ring, down)
        }
        guard !order.isEmpty else {
            return []
        }

        let usable = Set(order)
        var replicas = token.map { ring.replicas(of: $0) { usable.contains($0) } } ?? []
        if !conditional, replicas.count > 1 {
            let spread = min(replicas.count, 3)
            let shift = turn % spread
            replicas = Array(replicas[shift..<spread] + replicas[0..<shift] + replicas[spread...])
        }
        let chosen = Set(replicas)
        let others = (0..<order.count).map { order[(turn + $0) % order.count] }.filter { !chosen.contains($0) }
        let all = replicas + others
        return all.filter { !down.contains($0) } + all.filter { down.contains($0) }
    }

    /// The pool of a host, for tests.
    func poolForTests(_ endpoint: CQLEndpoint) -> HostPool? {
        state.withLock { $0.pools[endpoint] }
    }

    // MARK: Topology

    private func openControl(candidates: [CQLEndpoint]) async throws {
        var lastError: any Error = CQLClientError(.noHostAvailable, "no contact point")
        for endpoint in candidates {
            do {
                let connection = try await CQLConnection.connect(
                    host: endpoint.host,
                    port: endpoint.port,
                    configuration: configuration.connection,
                    on: loops.next(),
                    onEvent: { [weak self] event in self?.handle(event) }
                )
                try await connection.register(for: [.topologyChange, .statusChange])
                let hosts = try await discover(on: connection, endpoint: endpoint)
                await adopt(hosts, control: connection)
                return
            } catch let error as CQLServerError where error.code == .badCredentials {
                throw error
            } catch {
                lastError = error
                configuration.logger.debug(
                    "a contact point failed",
                    ["cql.host": "\(endpoint)", "cql.error": "\(error)"]
                )
            }
        }
        throw CQLClientError(.noHostAvailable, "no contact point could be opened; the last failure: \(lastError)")
    }

    private func discover(on control: CQLConnection, endpoint: CQLEndpoint) async throws -> [CQLHost] {
        let parameters = CQLQueryParameters(consistency: .one)
        let localRows = try await control.query(
            "SELECT data_center, rack, tokens, host_id, release_version FROM system.local WHERE key = 'local'",
            parameters
        ).rows
        var hosts: [CQLHost] = []
        if let row = localRows.first {
            hosts.append(try Self.host(from: row, address: endpoint.host, port: endpoint.port))
        } else {
            hosts.append(CQLHost(address: endpoint.host, port: endpoint.port))
        }
        guard configuration.discoversHosts else {
            return hosts
        }

        let peerRows = try await control.query(
            "SELECT peer, rpc_address, data_center, rack, tokens, host_id, release_version FROM system.peers",
            parameters
        ).rows
        for row in peerRows.rows {
            let rpc = try row.decodeIfPresent(CQLInet.self, "rpc_address")
            let peer = try row.decodeIfPresent(CQLInet.self, "peer")
            // A node bound to every interface reports the wildcard: its peer address is the one to use.
            guard let address = (rpc.map { $0.address.allSatisfy { $0 == 0 } ? peer : $0 } ?? peer)?.host else {
                continue
            }
            hosts.append(try Self.host(from: row, address: address, port: endpoint.port))
        }
        return hosts
    }

    /// A host from a `system.local` or `system.peers` row; columns a server version lacks are left empty.
    private static func host(from row: CQLRow, address: String, port: Int) throws -> CQLHost {
        let tokens = (try row.decodeIfPresent(Set<String>.self, "tokens") ?? []).compactMap { Int64($0) }
        return CQLHost(
            address: address,
            port: port,
            datacenter: try row.decodeIfPresent(String.self, "data_center") ?? "",
            rack: try row.decodeIfPresent(String.self, "rack") ?? "",
            hostID: try row.decodeIfPresent(UUID.self, "host_id")?.uuidString.lowercased(),
            tokens: tokens.sorted(),
            releaseVersion: try row.decodeIfPresent(String.self, "release_version") ?? ""
        )
    }

    /// Replaces the known hosts, keeping the pools of those that remain and closing the others'.
    private func adopt(_ discovered: [CQLHost], control: CQLConnection?) async {
        var hosts = discovered
        if let local = configuration.localDatacenter {
            let inLocal = discovered.filter { $0.datacenter == local }
            if inLocal.isEmpty {
                configuration.logger.warning(
                    "no host is in the local datacenter; using every host",
                    ["cql.datacenter": local]
                )
            } else {
                hosts = inLocal
            }
        }

        let removed = state.withLock { state -> [HostPool] in
            if let control {
                state.control = control
            }
            state.hosts = Dictionary(hosts.map { ($0.endpoint, $0) }, uniquingKeysWith: { first, _ in first })
            state.order = hosts.map(\.endpoint)
            state.ring = TokenRing(hosts: hosts)
            for endpoint in state.order where state.pools[endpoint] == nil {
                state.pools[endpoint] = HostPool(endpoint: endpoint, settings: configuration, loops: loops)
            }
            let gone = state.pools.keys.filter { state.hosts[$0] == nil }
            return gone.compactMap { state.pools.removeValue(forKey: $0) }
        }
        configuration.logger.debug("topology", ["cql.hosts": hosts.map(\.description).joined(separator: ", ")])
        for pool in removed {
            await pool.close()
        }
    }

    /// Events arrive on the control connection's loop thread: record them, and refresh off the loop.
    private func handle(_ event: CQLEvent) {
        switch event {
        case .statusChange(let change, let address):
            let pool = state.withLock { state -> HostPool? in
                if change == "DOWN" {
                    state.reportedDown.insert(address.host)
                    return nil
                }
                state.reportedDown.remove(address.host)
                return state.pools.first { $0.key.host == address.host }?.value
            }
            pool?.markUp()
            configuration.logger.info("host \(change.lowercased())", ["cql.host": address.host])
        case .topologyChange:
            scheduleRefresh()
        case .schemaChange:
            break
        }
        configuration.onEvent?(event)
    }

    private func scheduleRefresh() {
        state.withLock { state in
            guard !state.closed, state.refresh == nil, let control = state.control else {
                return
            }
            let endpoint = CQLEndpoint(host: control.host, port: control.port)
            state.refresh = Task { [self] in
                if let hosts = try? await discover(on: control, endpoint: endpoint) {
                    await adopt(hosts, control: nil)
                }
                self.state.withLock { $0.refresh = nil }
            }
        }
    }

    /// Keeps a control connection open: when it closes, reconnects to any known host after a backoff and
    /// refreshes the topology.
    private func startMonitor() {
        let task = Task { [self] in
            var failures = 0
            while !Task.isCancelled {
                guard let control = state.withLock({ $0.closed ? nil : $0.control }) else {
                    return
                }
                await control.waitUntilClosed()
                while !Task.isCancelled {
                    failures += 1
                    try? await Task.sleep(for: configuration.reconnectBackoff.delay(afterFailures: failures))
                    guard !Task.isCancelled, !state.withLock({ $0.closed }) else {
                        return
                    }
                    let candidates = hosts.map(\.endpoint) + configuration.contactPoints
                    if (try? await openControl(candidates: candidates)) != nil {
                        failures = 0
                        break
                    }
                }
            }
        }
        monitor.withLock { $0 = task }
    }
}

extension CQLClient {
    /// Waits until every node reports the same schema version, after DDL, so that statements prepared next
    /// find the new tables on every node.
    ///
    /// - Returns: Whether the nodes agreed before `timeout`.
    public func waitForSchemaAgreement(timeout: Duration = .seconds(10)) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            guard let control = state.withLock({ $0.control }), !control.isClosed else {
                throw CQLClientError(.noHostAvailable, "the control connection is closed")
            }
            let parameters = CQLQueryParameters(consistency: .one)
            let local = try await control.query(
                "SELECT schema_version FROM system.local WHERE key = 'local'",
                parameters
            ).rows
            let peers = try await control.query("SELECT schema_version FROM system.peers", parameters).rows
            var versions = Set<UUID>()
            for row in local.rows + peers.rows {
                if let version = try row.decode(UUID.self, "schema_version") {
                    versions.insert(version)
                }
            }
            if versions.count <= 1 {
                return true
            }
            guard clock.now < deadline else {
                return false
            }
            // A wait between polls of the cluster's state, not a synchronisation of this process.
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
