import DNA

/// `dna bench calls`: sequential call round trips to one resident actor, with latency percentiles.
///
/// By default the handler writes nothing, so the figure is the runtime's own round trip; with `--write` every
/// call stores a value and its reply waits for the flush.
struct CallsBenchmark {
    let count: Int
    let store: StoreArgument
    let write: Bool

    func run() async throws -> BenchmarkReport {
        try await BenchmarkWorkspace.using(store) { try await run(in: $0) }
    }

    private func run(in workspace: BenchmarkWorkspace) async throws -> BenchmarkReport {
        let node = try await Node.start(
            Node.Configuration(store: .custom(try await workspace.store.open())),
            actorTypes: [BenchCounter.self]
        )
        let counter = node.actor(BenchCounter.self, key: "calls")
        let message: BenchCounter.Message = write ? .add(1) : .ping
        for _ in 0..<min(count, 1000) {
            _ = try await counter.call(message)
        }

        var latencies = [UInt64](repeating: 0, count: count)
        let started = MonotonicInstant.now()
        for index in 0..<count {
            let before = MonotonicInstant.now()
            _ = try await counter.call(message)
            latencies[index] = MonotonicInstant.now().nanoseconds - before.nanoseconds
        }
        let seconds = (MonotonicInstant.now() - started).inSeconds
        await node.shutdown()

        latencies.sort()
        var report = BenchmarkReport()
        report.add("scenario", "calls")
        report.add("store", store.kind)
        report.add("count", count)
        report.add("writes", write)
        report.add("seconds", seconds)
        report.add("calls_per_second", Double(count) / seconds)
        report.add("p50_us", Percentile.micros(latencies, 0.50))
        report.add("p99_us", Percentile.micros(latencies, 0.99))
        report.add("p999_us", Percentile.micros(latencies, 0.999))
        return report
    }
}

/// Percentiles of sorted nanosecond samples.
enum Percentile {
    static func micros(_ sorted: [UInt64], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else {
            return 0
        }
        let index = min(sorted.count - 1, Int(Double(sorted.count) * fraction))
        return Double(sorted[index]) / 1000
    }
}
