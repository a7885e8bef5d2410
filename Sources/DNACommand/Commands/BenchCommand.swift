/// `dna bench <scenario> [--count N] [--store sqlite:PATH|postgres:URL|memory] [--json PATH]`.
struct BenchCommand {
    static let usage = """
        usage: dna bench single-actor|calls|activations [--count N] [--store sqlite:PATH|postgres:URL|memory]
                         [--json PATH]
               (calls also takes --write: every call stores a value)
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
            try arguments.checkAllUsed()
            report = try await SingleActorBenchmark(count: count, store: store).run()
        case "calls":
            let count = try arguments.int("count", default: 200_000)
            let write = try arguments.flag("write")
            try arguments.checkAllUsed()
            report = try await CallsBenchmark(count: count, store: store, write: write).run()
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
}
