import Synchronization

/// Concurrent writers that go through the gateways of a cluster and record every write they attempted and every
/// write a node acknowledged, so that a test can check afterwards that no acknowledged write was lost.
///
/// Each writer alternates between a put of a key no other write uses (into one of a few kv actors) and an add
/// to one of a few counters, through the gateways in turn. A test takes a gateway out of rotation before it
/// stops or kills that node (requests already sent there simply fail), and may put it back later.
final class WriteLoad: Sendable {
    /// What the writers did.
    struct Record: Sendable {
        /// Acknowledged puts: kv actor → key → value.
        var puts: [String: [String: String]] = [:]
        /// Per counter, the sum of every add sent (an upper bound of its total).
        var attemptedAdds: [String: Int64] = [:]
        /// Per counter, the sum of the adds acknowledged (a lower bound of its total).
        var acknowledgedAdds: [String: Int64] = [:]
        var attempts = 0
        var acknowledged = 0
        var failures = 0
    }

    private struct State {
        var record = Record()
        var gateways: [Int]
        var next = 0
        var running = true
    }

    let prefix: String
    let counters: [String]
    let stores: [String]
    private let cluster: ProcessCluster
    private let state: Mutex<State>
    private let progress = EventCounter()
    private let tasks = Mutex<[Task<Void, Never>]>([])

    /// Creates the load; ``start(writers:)`` sets it going.
    ///
    /// - Parameters:
    ///   - prefix: Makes the actor keys unique to this load.
    ///   - counters: How many counter actors the adds go to.
    ///   - stores: How many kv actors the puts go to.
    init(cluster: ProcessCluster, prefix: String, counters: Int, stores: Int) {
        self.cluster = cluster
        self.prefix = prefix
        self.counters = (0..<counters).map { "\(prefix)-counter-\($0)" }
        self.stores = (0..<stores).map { "\(prefix)-kv-\($0)" }
        self.state = Mutex(State(gateways: Array(cluster.nodes.indices)))
    }

    /// Starts `writers` concurrent writers.
    func start(writers: Int) {
        let started = (0..<writers).map { writer in
            Task { await self.write(as: writer) }
        }
        tasks.withLock { $0 += started }
    }

    /// Stops sending through node `index`; with no node left, the writers end.
    func avoid(_ index: Int) {
        state.withLock { $0.gateways.removeAll { $0 == index } }
    }

    /// Sends through node `index` again.
    func use(_ index: Int) {
        state.withLock { state in
            if !state.gateways.contains(index) {
                state.gateways.append(index)
            }
        }
    }

    /// Acknowledged writes so far.
    var acknowledged: Int {
        state.withLock { $0.record.acknowledged }
    }

    /// Returns once `count` more writes have been acknowledged than now, or `false` after `timeout`.
    func waitForProgress(_ count: Int, within timeout: Duration) async -> Bool {
        let target = progress.count + count
        return await finishes(within: timeout) { await self.progress.wait(for: target) }
    }

    /// Stops the writers, waits for their last requests and returns what they did.
    func stop() async -> Record {
        state.withLock { $0.running = false }
        for task in tasks.withLock({ $0 }) {
            await task.value
        }
        return state.withLock { $0.record }
    }

    private func write(as writer: Int) async {
        var sequence = 0
        while let gateway = nextGateway() {
            sequence += 1
            let client = cluster.gateway(gateway)
            if sequence.isMultiple(of: 2) {
                let store = stores[(writer + sequence) % stores.count]
                let key = "w\(writer)-\(sequence)"
                let value = "v\(sequence)-\(gateway)"
                record { $0.attempts += 1 }
                let done = (try? await client.put(store, key: key, value: value)) != nil
                record { record in
                    if done {
                        record.puts[store, default: [:]][key] = value
                    }
                }
                count(done)
            } else {
                let counter = counters[(writer + sequence) % counters.count]
                let amount = Int64(sequence % 7 + 1)
                record { record in
                    record.attempts += 1
                    record.attemptedAdds[counter, default: 0] += amount
                }
                let done = (try? await client.add(counter, amount)) != nil
                record { record in
                    if done {
                        record.acknowledgedAdds[counter, default: 0] += amount
                    }
                }
                count(done)
            }
        }
    }

    private func nextGateway() -> Int? {
        state.withLock { state in
            // A test that failed before it stopped the load ends it by tearing the cluster down.
            guard state.running, !state.gateways.isEmpty, !cluster.isTornDown else {
                return nil
            }
            state.next += 1
            return state.gateways[state.next % state.gateways.count]
        }
    }

    private func record(_ change: (inout Record) -> Void) {
        state.withLock { change(&$0.record) }
    }

    private func count(_ acknowledged: Bool) {
        record { record in
            if acknowledged {
                record.acknowledged += 1
            } else {
                record.failures += 1
            }
        }
        if acknowledged {
            progress.increment()
        }
    }

    /// Sends the first message of each actor through node `index % nodes`, which claims it under local
    /// placement: every node then owns some of the load's actors.
    func spread(over nodes: Int) async throws {
        for (index, counter) in counters.enumerated() {
            _ = try await cluster.gateway(index % nodes).counter(counter)
        }
        for (index, store) in stores.enumerated() {
            _ = try await cluster.gateway(index % nodes).value(store, key: "-")
        }
    }

    /// Calls every actor of the load through `gateway` until each has answered: once it returns, every name
    /// a failed or stopped node owned has been reclaimed.
    func reachAll(through gateway: GatewayClient, within timeout: Duration = .seconds(20)) async throws {
        for counter in counters {
            _ = try await GatewayClient.retrying(within: timeout) { try await gateway.counter(counter) }
        }
        for store in stores {
            _ = try await GatewayClient.retrying(within: timeout) { try await gateway.value(store, key: "-") }
        }
    }

    /// Reads every counter and kv actor back through `gateway` and describes each acknowledged write that is
    /// missing and each counter outside the bounds of what was acknowledged and attempted.
    func losses(in record: Record, through gateway: GatewayClient) async throws -> [String] {
        var losses: [String] = []
        for counter in counters {
            let total = try await gateway.counter(counter)
            let low = record.acknowledgedAdds[counter] ?? 0
            let high = record.attemptedAdds[counter] ?? 0
            if total < low || total > high {
                losses.append("\(counter) is \(total), outside [\(low) acknowledged, \(high) attempted]")
            }
        }
        for store in stores {
            let items = try await gateway.items(store, prefix: "")
            for (key, value) in record.puts[store] ?? [:] where items[key] != value {
                losses.append("\(store)/\(key): acknowledged \(value), read back \(items[key] ?? "nothing")")
            }
        }
        return losses
    }
}
