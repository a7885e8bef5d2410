/// `dna bench <scenario> [--count N] [--store sqlite:PATH|postgres:URL|memory] [--json PATH]`.
struct BenchCommand {
    static let usage = """
        usage: dna bench single-actor|calls|activations|remote-calls|remote-casts [--count N]
                         [--store sqlite:PATH|postgres:URL|cql://...|memory] [--json PATH]
               (calls also takes --write: every call stores a value; single-actor takes --pipelining false
               to make every batch wait for the flush before it; remote-calls and remote-casts take
               --busy-poll D, the transports' polling before sleep, and --cast-coalescing D, how long a
               streamed cast waits for the next ones)
        """

    static func run(_ arguments: [String], environment: [String: String]) async throws -> Int32 {
        var arguments = try Arguments(arguments, booleanFlags: ["write"], environment: environment)
        guard let scenario = arguments.words.first, arguments.words.count == 1 else {
            throw UsageError("bench needs one scenario")
        }
        let store = try StoreArgument(arguments.string("store") ?? "sqlite:\(BenchmarkWorkspace.temporaryPath())")
        let json = arguments.string("json")

        let report: BenchmarkReport
        switch scenario {
        case "single-actor":
            let count = try arguments.int("count", default: 1_000_000)
            let pipelining = try arguments.flag("pipelining", default: true)
            try arguments.checkAllUsed()
            report = try await SingleActorBenchmark(count: count, store: store, pipelining: pipelining).run()
        case "calls":
            let count = try arguments.int("count", default: 200_000)
            let write = try arguments.flag("write")
            try arguments.checkAllUsed()
            report = try await CallsBenchmark(count: count, store: store, write: write).run()
        case "remote-calls":
            let count = try arguments.int("count", default: 100_000)
            let tuning = try Self.tuning(&arguments)
            try arguments.checkAllUsed()
            report = try await RemoteCallsBenchmark(count: count, store: store, tuning: tuning).run()
        case "remote-casts":
            let count = try arguments.int("count", default: 1_000_000)
            let tuning = try Self.tuning(&arguments)
            try arguments.checkAllUsed()
            report = try await RemoteCastsBenchmark(count: count, store: store, tuning: tuning).run()
        case "codec":
            let count = try arguments.int("count", default: 1_000_000)
            try arguments.checkAllUsed()
            report = try CodecBenchmark(count: count).run()
        case "pong-server":
            let size = try arguments.int("payload-size", default: 64)
            try arguments.checkAllUsed()
            return try await PingPongProcess.serve(payloadSize: max(1, size))
        case "activations":
            let count = try arguments.int("count", default: 100_000)
            try arguments.checkAllUsed()
            report = try await ActivationsBenchmark(count: count, store: store).run()
        default:
            throw UsageError("unknown benchmark \"\(scenario)\"")
        }

        report.printSummary(title: "dna bench \(scenario) (\(store.kind))")
        if let json {
            try report.writeJSON(to: json)
        }
        return 0
    }

    /// `--busy-poll` and `--cast-coalescing` of the remote benchmarks.
    private static func tuning(_ arguments: inout Arguments) throws -> RemotePair.Tuning {
        var tuning = RemotePair.Tuning()
        tuning.busyPoll = try ServeSettings.busyPoll(&arguments)
        tuning.castCoalescing = try ServeSettings.castCoalescing(&arguments)
        return tuning
    }
}
