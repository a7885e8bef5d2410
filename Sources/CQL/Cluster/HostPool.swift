import DNANetwork
import Synchronization

/// The connections to one host: one per shard on a ScyllaDB node that announces its shards, otherwise a fixed
/// number, each reconnected on demand with backoff.
///
/// Requests never wait for a second connection to open: when the connection of the wanted shard is missing,
/// its connect starts in the background and the request takes any open connection. Only a host with no open
/// connection at all makes the caller wait for a connect.
final class HostPool: Sendable {
    private enum Slot {
        case empty
        case connecting(Task<CQLConnection, any Error>)
        case ready(CQLConnection)
        case failed(until: ContinuousClock.Instant)
    }

    private struct State {
        var slots: [Slot]
        var failures = 0
        var sharding: ShardingInfo?
        /// Cleared when a connect to the shard-aware port failed: the regular port is used from then on.
        var shardAwarePortWorks = true
        var nextSlot = 0
        var closed = false
    }

    let endpoint: CQLEndpoint
    private let settings: CQLClient.Configuration
    private let loops: EventLoopGroup
    private let onEvent: (@Sendable (CQLEvent) -> Void)?
    private let state: Mutex<State>

    init(
        endpoint: CQLEndpoint,
        settings: CQLClient.Configuration,
        loops: EventLoopGroup,
        onEvent: (@Sendable (CQLEvent) -> Void)? = nil
    ) {
        self.endpoint = endpoint
        self.settings = settings
        self.loops = loops
        self.onEvent = onEvent
        state = Mutex(State(slots: Array(repeating: .empty, count: max(1, settings.connectionsPerHost))))
    }

    /// The host's sharding, once a connection has reported it.
    var sharding: ShardingInfo? { state.withLock { $0.sharding } }

    /// Whether the host is in backoff after failed connects and has no open connection.
    var isDown: Bool {
        state.withLock { state in
            guard state.failures > 0 else {
                return false
            }
            return !state.slots.contains { slot in
                if case .ready(let connection) = slot {
                    return !connection.isClosed
                }
                return false
            }
        }
    }

    /// Forgets the backoff, for a host that an event reported up.
    func markUp() {
        state.withLock { state in
            state.failures = 0
            for index in state.slots.indices {
                if case .failed = state.slots[index] {
                    state.slots[index] = .empty
                }
            }
        }
    }

    /// A connection for a request, preferably to the shard that owns `token`.
    ///
    /// - Throws: ``CQLClientError/Code/connectionFailed`` when the host cannot be reached or is in backoff.
    func connection(for token: Int64?) async throws -> CQLConnection {
        enum Step {
            case use(CQLConnection)
            case wait(Task<CQLConnection, any Error>)
            case fail(CQLClientError)
        }

        let now = ContinuousClock.now
        let step = state.withLock { state -> Step in
            guard !state.closed else {
                return .fail(CQLClientError(.shutDown, "the client is closed"))
            }
            reapClosed(&state, now: now)
            let wanted = wantedSlot(for: token, state: &state)

            if case .ready(let connection) = state.slots[wanted] {
                return .use(connection)
            }
            // The wanted slot's connect runs in the background; this request takes what is open already.
            startIfDue(wanted, &state)
            if let any = leastBusyReady(state) {
                return .use(any)
            }
            for index in state.slots.indices {
                if case .connecting(let task) = state.slots[index] {
                    return .wait(task)
                }
            }
            return .fail(CQLClientError(.connectionFailed, "\(endpoint) is down; the next connect waits for backoff"))
        }

        switch step {
        case .use(let connection):
            return connection
        case .wait(let task):
            return try await task.value
        case .fail(let error):
            throw error
        }
    }

    /// Closes every connection; later requests fail.
    func close() async {
        let slots = state.withLock { state -> [Slot] in
            state.closed = true
            defer { state.slots = state.slots.map { _ in .empty } }
            return state.slots
        }
        for slot in slots {
            switch slot {
            case .ready(let connection):
                connection.close()
            case .connecting(let task):
                (try? await task.value)?.close()
            case .empty, .failed:
                break
            }
        }
    }

    // MARK: Slots

    private func wantedSlot(for token: Int64?, state: inout State) -> Int {
        if let token, let sharding = state.sharding, state.slots.count == sharding.shardCount {
            return sharding.shard(of: token)
        }
        state.nextSlot = (state.nextSlot + 1) % state.slots.count
        return state.nextSlot
    }

    private func reapClosed(_ state: inout State, now: ContinuousClock.Instant) {
        for index in state.slots.indices {
            switch state.slots[index] {
            case .ready(let connection) where connection.isClosed:
                state.slots[index] = .empty
            case .failed(let until) where until <= now:
                state.slots[index] = .empty
            default:
                break
            }
        }
    }

    private func leastBusyReady(_ state: State) -> CQLConnection? {
        var best: CQLConnection?
        for slot in state.slots {
            if case .ready(let connection) = slot, !connection.isClosed,
                best.map({ connection.inFlightRequests < $0.inFlightRequests }) ?? true
            {
                best = connection
            }
        }
        return best
    }

    /// Starts the connect of an empty slot.
    private func startIfDue(_ index: Int, _ state: inout State) {
        guard case .empty = state.slots[index] else {
            return
        }
        let plan = connectPlan(for: index, state: state)
        let task = Task { [self] in
            try await connect(slot: index, plan: plan)
        }
        state.slots[index] = .connecting(task)
    }

    private struct ConnectPlan: Sendable {
        var port: Int
        var shard: Int?
        var shardCount: Int
    }

    private func connectPlan(for index: Int, state: State) -> ConnectPlan {
        guard let sharding = state.sharding, state.slots.count == sharding.shardCount else {
            return ConnectPlan(port: endpoint.port, shard: nil, shardCount: 0)
        }
        if settings.usesShardAwarePort, state.shardAwarePortWorks, let port = sharding.shardAwarePort {
            return ConnectPlan(port: port, shard: index, shardCount: sharding.shardCount)
        }
        return ConnectPlan(port: endpoint.port, shard: nil, shardCount: sharding.shardCount)
    }

    private func connect(slot index: Int, plan: ConnectPlan) async throws -> CQLConnection {
        do {
            let connection = try await open(plan)
            place(connection, requested: index)
            return connection
        } catch {
            if plan.shard != nil {
                // The shard-aware port may be closed or hidden behind NAT; the regular port still serves.
                state.withLock { $0.shardAwarePortWorks = false }
                settings.logger.info(
                    "the shard-aware port failed; using the regular port",
                    ["cql.host": "\(endpoint)", "cql.error": "\(error)"]
                )
            }
            recordFailure(slot: index)
            throw error
        }
    }

    private func open(_ plan: ConnectPlan) async throws -> CQLConnection {
        var configuration = settings.connection
        guard let shard = plan.shard else {
            return try await CQLConnection.connect(
                host: endpoint.host,
                port: plan.port,
                configuration: configuration,
                on: loops.next(),
                onEvent: onEvent
            )
        }

        // The shard-aware port serves the shard equal to the client port modulo the shard count.
        let range = 49152...65535
        var port = Int.random(in: range)
        port += (shard - port % plan.shardCount + plan.shardCount) % plan.shardCount
        var lastError: (any Error)?
        for _ in 0..<8 {
            if port > range.upperBound {
                port =
                    range.lowerBound + (shard - range.lowerBound % plan.shardCount + plan.shardCount) % plan.shardCount
            }
            configuration.localPort = port
            do {
                return try await CQLConnection.connect(
                    host: endpoint.host,
                    port: plan.port,
                    configuration: configuration,
                    on: loops.next(),
                    onEvent: onEvent
                )
            } catch let error as CQLClientError where error.code == .localPortInUse {
                lastError = error
                port += plan.shardCount
            }
        }
        throw lastError ?? CQLClientError(.connectionFailed, "no local port for shard \(shard) could be bound")
    }

    /// Puts a new connection in the slot of the shard it reports, growing the pool to one slot per shard the
    /// first time a node reports its sharding.
    private func place(_ connection: CQLConnection, requested: Int) {
        let extra = state.withLock { state -> CQLConnection? in
            state.failures = 0
            guard !state.closed else {
                return connection
            }
            if let sharding = connection.sharding, state.sharding == nil {
                state.sharding = sharding
                state.slots = Array(repeating: .empty, count: sharding.shardCount)
                state.slots[sharding.shard] = .ready(connection)
                return nil
            }
            if let shard = connection.sharding?.shard, shard < state.slots.count, shard != requested,
                case .empty = state.slots[shard]
            {
                // The server put it on another shard whose slot is free: it serves that shard.
                state.slots[shard] = .ready(connection)
                if requested < state.slots.count, case .connecting = state.slots[requested] {
                    state.slots[requested] = .empty
                }
                return nil
            }
            guard requested < state.slots.count else {
                return connection
            }
            state.slots[requested] = .ready(connection)
            return nil
        }
        extra?.close()
    }

    private func recordFailure(slot index: Int) {
        state.withLock { state in
            state.failures += 1
            let delay = settings.reconnectBackoff.delay(afterFailures: state.failures)
            if index < state.slots.count {
                state.slots[index] = .failed(until: ContinuousClock.now.advanced(by: delay))
            }
        }
    }
}
