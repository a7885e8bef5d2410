import DNA
import DNANetwork

/// `dna bench remote-calls`: sequential calls from one node to an actor that another node owns, each forwarded
/// over the cluster transport, compared with a raw TCP ping-pong of the same payload size between two processes
/// measured in the same run.
struct RemoteCallsBenchmark {
    let count: Int
    let store: StoreArgument
    /// The transport settings of both nodes.
    let tuning: RemotePair.Tuning

    func run() async throws -> BenchmarkReport {
        try await BenchmarkWorkspace.using(store) { try await run(in: $0) }
    }

    private func run(in workspace: BenchmarkWorkspace) async throws -> BenchmarkReport {
        let pair = try await RemotePair.start(workspace: workspace, tuning: tuning)
        try await pair.activateOnOwner(BenchCounter.self, key: "remote", message: .ping, json: #"{"ping":{}}"#)

        let counter = pair.caller.actor(BenchCounter.self, key: "remote")
        for _ in 0..<min(count, 2_000) {
            _ = try await counter.call(.ping)
        }
        guard pair.caller.residentActors == 0 else {
            await pair.stop()
            throw BenchmarkError("the actor ran on the calling node: the calls were not forwarded")
        }

        // The caller on the node's event loop, where replies arrive, then on the cooperative pool.
        let onLoop = try await withTaskExecutorPreference(pair.caller.taskExecutor) {
            try await Self.measure(counter, count: count, pair: pair)
        }
        let onPool = try await Self.measure(counter, count: count, pair: pair)
        await pair.stop()

        let payloadSize = try Self.requestSize()
        let tcp = try await Self.pingPong(payloadSize: payloadSize, count: count, workspace: workspace)

        let p50 = Percentile.micros(onLoop.latencies, 0.50)
        let tcpP50 = tcp.p50.microseconds
        var report = BenchmarkReport()
        report.add("scenario", "remote-calls")
        report.add("store", store.kind)
        report.add("processes", pair.processes)
        report.add("count", count)
        tuning.add(to: &report)
        report.add("payload_bytes", payloadSize)
        report.add("seconds", onLoop.seconds)
        report.add("calls_per_second", Double(count) / onLoop.seconds)
        report.add("p50_us", p50)
        report.add("p99_us", Percentile.micros(onLoop.latencies, 0.99))
        report.add("p999_us", Percentile.micros(onLoop.latencies, 0.999))
        report.add("context_switches_per_call", onLoop.switchesPerCall)
        report.add("tcp_p50_us", tcpP50)
        report.add("tcp_p99_us", tcp.p99.microseconds)
        report.add("ratio_p50_to_tcp", p50 / tcpP50)
        report.add("pool_calls_per_second", Double(count) / onPool.seconds)
        report.add("pool_p50_us", Percentile.micros(onPool.latencies, 0.50))
        report.add("pool_p99_us", Percentile.micros(onPool.latencies, 0.99))
        report.add("pool_context_switches_per_call", onPool.switchesPerCall)
        report.add("pool_ratio_p50_to_tcp", Percentile.micros(onPool.latencies, 0.50) / tcpP50)
        return report
    }

    private struct Run {
        var latencies: [UInt64]
        var seconds: Double
        var switchesPerCall: Double
    }

    /// Times `count` sequential calls.
    private static func measure(_ counter: ActorHandle<BenchCounter>, count: Int, pair: RemotePair) async throws -> Run
    {
        var latencies = [UInt64](repeating: 0, count: count)
        let switches = pair.contextSwitches
        let started = MonotonicInstant.now()
        for index in 0..<count {
            let before = MonotonicInstant.now()
            _ = try await counter.call(.ping)
            latencies[index] = MonotonicInstant.now().nanoseconds - before.nanoseconds
        }
        let seconds = (MonotonicInstant.now() - started).inSeconds
        let perCall = Double(pair.contextSwitches - switches) / Double(count)
        latencies.sort()
        return Run(latencies: latencies, seconds: seconds, switchesPerCall: perCall)
    }

    /// The bytes of one forwarded call's request payload, the size the ping-pong sends each way.
    private static func requestSize() throws -> Int {
        let body = try BinaryEncoder().encode(BenchCounter.Message.ping)
        return ActorName(type: BenchCounter.type, key: "remote").forwardedCallSize(bodySize: body.count)
    }

    /// A raw ping-pong with a server in a child process, when the pair spans two processes.
    private static func pingPong(
        payloadSize: Int,
        count: Int,
        workspace: BenchmarkWorkspace
    ) async throws
        -> PingPong.Measurement
    {
        let server = try await PingPongProcess.start(payloadSize: payloadSize, logPath: workspace.file("pong.log"))
        defer { server.kill() }
        return try await PingPong.measure(host: "127.0.0.1", port: server.port, payloadSize: payloadSize, count: count)
    }
}

extension Duration {
    /// The duration in microseconds, as a floating-point number.
    var microseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
    }
}
