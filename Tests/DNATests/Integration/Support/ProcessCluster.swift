import DNANetwork
import Foundation
import Synchronization
import Testing

@testable import DNA

/// Real `dna serve` processes of one cluster, sharing one store, for the multi-process tests.
///
/// Use ``run(nodes:store:settings:_:)``: it starts the nodes, runs the test, checks the activation logs for two
/// live instances of one name, and kills every process still running, also when the test failed. The nodes'
/// logs are printed only when the test failed (threw: the integration tests use `#require`).
final class ProcessCluster: Sendable {
    /// How the nodes run.
    struct Settings: Sendable {
        /// Long by default, so that a loaded machine never fences a node by accident in a test about something
        /// else; failover tests shorten it.
        var leaseTimeout: Duration = .seconds(30)
        /// Short, so that nodes find each other quickly; `nil` for the `dna serve` default (a sixth of the lease).
        var heartbeatInterval: Duration? = .milliseconds(250)
        /// `nil`: the `dna serve` default (a third of the lease).
        var deadMargin: Duration?
        var placement = "local"
        var readyTimeout: Duration = .seconds(30)

        /// The dead margin the nodes use.
        var effectiveDeadMargin: Duration { deadMargin ?? leaseTimeout / 3 }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let store: IntegrationStore
    let settings: Settings
    let clusterName: String
    let directory: TemporaryDirectory
    let timeline = ClusterTimeline()
    /// The cluster secret, in the file every node reads.
    let secret: [UInt8]
    private let executable: String
    private let secretPath: String
    private let processes = Mutex<[ServeProcess]>([])
    private let tornDown = Atomic<Bool>(false)

    private init(store: IntegrationStore, settings: Settings) throws {
        self.store = store
        self.settings = settings
        self.executable = try ServeExecutable.path()
        self.directory = try TemporaryDirectory()
        self.clusterName = "it-\(UUID().uuidString.prefix(8).lowercased())"
        self.secret = Array("secret-\(UUID().uuidString)".utf8)
        self.secretPath = directory.path("secret")
        try Data(secret).write(to: URL(fileURLWithPath: secretPath))
    }

    /// Starts `nodes` processes, runs `body`, then checks single activation and kills what is left.
    static func run<Result>(
        nodes: Int,
        store: IntegrationStore,
        settings: Settings = Settings(),
        _ body: (ProcessCluster) async throws -> Result
    ) async throws -> Result {
        let cluster = try ProcessCluster(store: store, settings: settings)
        do {
            try await cluster.start(nodes)
            let result = try await body(cluster)
            try cluster.checkSingleActivation()
            await cluster.killAll()
            return result
        } catch {
            await cluster.killAll()
            cluster.printLogs(because: error)
            throw error
        }
    }

    // MARK: Processes

    /// The node processes, in the order they were started.
    var nodes: [ServeProcess] {
        processes.withLock { $0 }
    }

    subscript(index: Int) -> ServeProcess {
        processes.withLock { $0[index] }
    }

    /// The HTTP gateway of node `index`.
    func gateway(_ index: Int) -> GatewayClient {
        GatewayClient(address: self[index].ready.http)
    }

    /// The port of node `index`'s cluster transport.
    func transportPort(_ index: Int) throws -> Int {
        guard let address = PeerAddress(self[index].ready.listen) else {
            throw Failure(description: "node \(index) listens on \(self[index].ready.listen)")
        }
        return address.port
    }

    /// Starts `count` more nodes at once.
    func start(_ count: Int) async throws {
        let first = processes.withLock { $0.count }
        let started = try await withThrowingTaskGroup(of: ServeProcess.self) { group in
            for index in first..<first + count {
                group.addTask { try await self.launch(index) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        processes.withLock { $0.append(contentsOf: started.sorted { $0.index < $1.index }) }
        try await waitUntilConnected()
    }

    private func launch(_ index: Int) async throws -> ServeProcess {
        var arguments = [
            "serve",
            "--store", store.argument(directory),
            "--cluster", clusterName,
            "--listen", "127.0.0.1:0",
            "--http", "127.0.0.1:0",
            "--secret-file", secretPath,
            "--lease-timeout", Self.flag(settings.leaseTimeout),
            "--placement", settings.placement,
            "--log-level", "debug",
        ]
        if let interval = settings.heartbeatInterval {
            arguments += ["--heartbeat-interval", Self.flag(interval)]
        }
        if let margin = settings.deadMargin {
            arguments += ["--dead-margin", Self.flag(margin)]
        }
        // The runner's own DNA_ settings must not leak into the nodes.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DNA_") }
        environment["DNA_FAULT_INJECTION"] = "signals"
        return try await ServeProcess.start(
            index: index,
            executable: executable,
            arguments: arguments,
            environment: environment,
            logPath: directory.path("node-\(index).log"),
            readyWithin: settings.readyTimeout
        )
    }

    private static func flag(_ duration: Duration) -> String {
        "\(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)ms"
    }

    /// Waits until every running node lists every other running node as alive.
    func waitUntilConnected(within timeout: Duration = .seconds(30)) async throws {
        let running = nodes.filter { !$0.hasExited }
        let connected = await eventually(within: timeout, every: .milliseconds(50)) {
            for node in running {
                guard let status = try? await GatewayClient(address: node.ready.http).status(),
                    status.nodes.filter(\.alive).count >= running.count
                else {
                    return false
                }
            }
            return true
        }
        guard connected else {
            throw Failure(description: "the \(running.count) nodes did not all see each other in \(timeout)")
        }
    }

    /// The current identity of node `index`, as its own `/v1/cluster` says.
    func currentID(_ index: Int) async throws -> String {
        try await gateway(index).status().node
    }

    /// Waits until node `index` serves under an identity other than `previous` that every other running node
    /// sees alive, and returns it.
    func waitForRejoin(
        _ index: Int,
        leaving previous: String,
        within timeout: Duration = .seconds(20)
    ) async throws
        -> String
    {
        var current = ""
        let others = nodes.filter { $0.index != index && !$0.hasExited }
        let rejoined = await eventually(within: timeout, every: .milliseconds(50)) {
            guard let own = try? await gateway(index).status(), own.phase == "serving", own.node != previous else {
                return false
            }
            current = own.node
            for other in others {
                let status = try? await GatewayClient(address: other.ready.http).status()
                guard status?.nodes.contains(where: { $0.id == own.node && $0.alive }) ?? false else {
                    return false
                }
            }
            return true
        }
        guard rejoined else {
            throw Failure(description: "node \(index) did not rejoin under a new id within \(timeout)")
        }
        return current
    }

    // MARK: Signals

    /// SIGKILL: the node dies at once, without releasing anything.
    func kill(_ index: Int) {
        self[index].send(SIGKILL)
        timeline.record(.killed, process: index)
    }

    /// SIGSTOP: the node stalls; it keeps its sockets and claims but runs nothing.
    func stop(_ index: Int) {
        self[index].send(SIGSTOP)
        timeline.record(.stopped, process: index)
    }

    /// SIGSTOP at a moment the node holds no lock that the other nodes' store writes would wait behind.
    ///
    /// A node stopped inside a SQLite write transaction would stall every node of the cluster, not just itself;
    /// then it is resumed at once and stopped again. Only the stop that stays is recorded in the timeline.
    func stopOutsideStoreLock(_ index: Int) async throws {
        let node = self[index]
        for _ in 0..<50 {
            node.send(SIGSTOP)
            let stopped = await eventually(within: .seconds(5), every: .milliseconds(1)) {
                Self.processState(node.pid) == "T"
            }
            guard stopped else {
                throw Failure(description: "node \(index) did not stop")
            }
            if !store.blocksWriters(node.pid, directory) {
                timeline.record(.stopped, process: index)
                return
            }
            node.send(SIGCONT)
        }
        throw Failure(description: "node \(index) held the store's write lock at each of 50 stops")
    }

    /// The state letter of a process in `/proc/<pid>/stat` (`T` when stopped by a signal).
    private static func processState(_ pid: Int32) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else {
            return nil
        }
        // "pid (name) S ...": the name may hold spaces and parentheses, the state follows the last ")".
        return stat[stat.index(after: close)...].first { $0 != " " }
    }

    /// SIGCONT after ``stop(_:)``.
    func resume(_ index: Int) {
        self[index].send(SIGCONT)
        timeline.record(.resumed, process: index)
    }

    /// SIGUSR1: the node's store fails from now on (fault injection).
    func failStore(_ index: Int) {
        self[index].send(SIGUSR1)
        timeline.record(.storeFailed, process: index)
    }

    /// SIGUSR2: the node's store works again.
    func healStore(_ index: Int) {
        self[index].send(SIGUSR2)
        timeline.record(.storeHealed, process: index)
    }

    /// SIGTERM: the node drains, hands its actors over and exits.
    func drain(_ index: Int) {
        timeline.record(.drained, process: index)
        self[index].send(SIGTERM)
    }

    /// Whether the test is over and every node killed: loads stop sending.
    var isTornDown: Bool {
        tornDown.load(ordering: .relaxed)
    }

    /// Kills every process still running and waits for it to end.
    func killAll() async {
        tornDown.store(true, ordering: .relaxed)
        for node in nodes where !node.hasExited {
            node.send(SIGKILL)
        }
        for node in nodes {
            _ = await node.waitForExit(within: .seconds(10))
        }
    }

    // MARK: Checks

    /// What the nodes' logs and the timeline say about activations.
    func history() -> ActivationHistory {
        ActivationHistory(
            logs: nodes.map { ActivationHistory.NodeLog(process: $0.index, startedAs: $0.ready.node, text: $0.log) },
            events: timeline.events,
            around: nodes.first?.launchedAt ?? WallClock.nowMillis()
        )
    }

    /// Throws when the logs show a name served by two live instances at once.
    func checkSingleActivation() throws {
        let violations = history().violations()
        guard violations.isEmpty else {
            throw Failure(description: "single activation violated:\n" + violations.joined(separator: "\n"))
        }
    }

    private func printLogs(because error: any Error) {
        // A failed #require is reported by the testing library itself, with its expression.
        let reason = error is ExpectationFailedError ? "a requirement failed" : "\(error)"
        var report = "=== cluster \(clusterName) on \(store.name) failed: \(reason)\n"
        report += "events: \(timeline.events.map(\.description).joined(separator: ", "))\n"
        for node in nodes {
            let lines = node.log.split(separator: "\n")
            report += "--- node \(node.index) pid \(node.pid) started as \(node.ready.node): dna "
            report += node.arguments.joined(separator: " ")
            report += "\n    (last \(min(lines.count, 150)) of \(lines.count) lines of standard error)\n"
            report += lines.suffix(150).joined(separator: "\n") + "\n"
        }
        print(report)
    }
}
