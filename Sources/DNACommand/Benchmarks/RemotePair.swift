import DNA
import DNANetwork
import Foundation

/// The two nodes of the remote benchmarks: the caller in this process, and the owner of the benchmark's actor
/// in a `dna serve` child process on the same store.
///
/// A memory store cannot be shared between processes: on `--store memory` the owner is a second node of this
/// process, still reached over loopback TCP with every message encoded, and ``processes`` says 1.
struct RemotePair {
    let caller: Node
    let processes: Int
    private let ownerNode: Node?
    private let ownerProcess: ServeProcess?
    private let ownerHTTP: String

    /// The transport settings a remote benchmark may change, the same on both nodes.
    struct Tuning {
        /// Each loop's polling before sleep (``TransportConfiguration/busyPoll``).
        var busyPoll = ServeSettings.transportDefaults.busyPoll
        /// How long a streamed cast waits for the next ones (``TransportConfiguration/castCoalescing``).
        var castCoalescing = ServeSettings.transportDefaults.castCoalescing

        /// The fields of a report that say how the run was tuned.
        func add(to report: inout BenchmarkReport) {
            report.add("busy_poll_us", busyPoll.microseconds)
            report.add("cast_coalescing_us", castCoalescing.microseconds)
        }
    }

    /// Starts both nodes, each transport tuned by `tuning`.
    static func start(workspace: BenchmarkWorkspace, tuning: Tuning) async throws -> RemotePair {
        let secret = ServeSettings.developmentSecret
        if case .memory = workspace.store {
            let shared = MemoryStore()
            let owner = try await Node.start(
                configuration(
                    store: FaultInjectingStore(shared, closesBase: false),
                    secret: secret,
                    tuning: tuning
                ),
                actorTypes: BenchActorTypes.all
            )
            let caller = try await Node.start(
                configuration(store: shared, secret: secret, tuning: tuning),
                actorTypes: BenchActorTypes.all
            )
            return RemotePair(caller: caller, processes: 1, ownerNode: owner, ownerProcess: nil, ownerHTTP: "")
        }

        let owner = ServeProcess(
            number: 1,
            executable: CommandLine.executablePath,
            arguments: [
                "serve", "--store", workspace.store.commandLine, "--cluster", "bench", "--bench-actors",
                "--log-level", "warning", "--exit-on-stdin-close", "--busy-poll",
                "\(Int(tuning.busyPoll.microseconds))us",
                "--cast-coalescing", "\(Int(tuning.castCoalescing.microseconds))us",
            ],
            environment: ProcessInfo.processInfo.environment,
            logPath: workspace.file("owner.log")
        )
        try owner.start()
        let ready: ReadyLine
        do {
            ready = try await BlockingWork.run(name: "dna-bench-ready") {
                try owner.waitUntilReady(timeout: .seconds(30))
            }
        } catch {
            owner.send(SIGKILL)
            throw BenchmarkError("the owner node did not get ready: \(error); see \(owner.logPath)")
        }
        let caller = try await Node.start(
            configuration(store: try await workspace.store.open(), secret: secret, tuning: tuning),
            actorTypes: BenchActorTypes.all
        )
        return RemotePair(caller: caller, processes: 2, ownerNode: nil, ownerProcess: owner, ownerHTTP: ready.http)
    }

    private static func configuration(store: any Store, secret: [UInt8], tuning: Tuning) -> Node.Configuration {
        var configuration = Node.Configuration(store: .custom(store), cluster: "bench")
        configuration.transport = TransportConfiguration(listen: "127.0.0.1:0", secret: secret)
        configuration.transport?.busyPoll = tuning.busyPoll
        configuration.transport?.castCoalescing = tuning.castCoalescing
        configuration.callTimeout = .seconds(60)
        return configuration
    }

    /// Makes the owner node claim and start the actor: its first message arrives there.
    ///
    /// - Parameter json: The message as JSON, for a child process reached through its gateway.
    func activateOnOwner<Actor: DurableActor>(
        _ type: Actor.Type,
        key: String,
        message: Actor.Message,
        json: String
    )
        async throws
    {
        if let ownerNode {
            _ = try await ownerNode.actor(type, key: key).call(message)
        } else {
            let url = "http://\(ownerHTTP)/v1/actors/\(Actor.type.name)/\(key)"
            let response = try await HTTPClient.request(method: "POST", url: url, body: Array(json.utf8))
            guard response.status == 200 else {
                throw BenchmarkError("the owner node answered \(response.status): \(response.text)")
            }
        }
        // The caller learns of the owner from its heartbeat row; wait until it has seen one.
        let deadline = MonotonicInstant.now() + .seconds(10)
        while caller.clusterMembers.count < 2 {
            guard MonotonicInstant.now() < deadline else {
                throw BenchmarkError("the caller never saw the owner's heartbeat")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The context switches of both nodes' processes so far (this process once, when both nodes live here).
    var contextSwitches: Int {
        ContextSwitches.total() + (ownerProcess.map { ContextSwitches.total(of: $0.pid) } ?? 0)
    }

    func stop() async {
        await caller.shutdown()
        await ownerNode?.shutdown()
        if let ownerProcess {
            ownerProcess.send(SIGTERM)
            _ = await BlockingWork.run(name: "dna-bench-stop") { ownerProcess.waitForExit(timeout: .seconds(30)) }
            ownerProcess.send(SIGKILL)
        }
    }
}
