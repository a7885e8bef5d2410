import DNA

/// `dna bench activations`: N distinct actors, each activated by one call (up to 64 in flight) and left
/// resident; reports the activation rate and the resident memory each idle actor costs. On PostgreSQL the raw
/// rate of the claim's conditional insert is measured in the same run as the baseline, from as many
/// connections as the store's pool with as many requests in flight.
struct ActivationsBenchmark {
    let count: Int
    let store: StoreArgument
    let concurrency = 64

    func run() async throws -> BenchmarkReport {
        try await BenchmarkWorkspace.using(store) { try await run(in: $0) }
    }

    private func run(in workspace: BenchmarkWorkspace) async throws -> BenchmarkReport {
        var configuration = Node.Configuration(store: .custom(try await workspace.store.open()))
        configuration.maxResidentActors = count + 1
        configuration.idleTimeout = .seconds(3600)
        let node = try await Node.start(configuration, actorTypes: [BenchCounter.self])

        // Warm up the paths once so that one-time allocations do not count as per-actor memory.
        _ = try await node.actor(BenchCounter.self, key: "warm-up").call(.ping)
        let before = ProcessMemory.residentBytes()
        let started = MonotonicInstant.now()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            while next < min(concurrency, count) {
                let key = "a\(next)"
                group.addTask { _ = try await node.actor(BenchCounter.self, key: key).call(.ping) }
                next += 1
            }
            while try await group.next() != nil, next < count {
                let key = "a\(next)"
                group.addTask { _ = try await node.actor(BenchCounter.self, key: key).call(.ping) }
                next += 1
            }
            try await group.waitForAll()
        }
        let seconds = (MonotonicInstant.now() - started).inSeconds
        let after = ProcessMemory.residentBytes()
        let resident = node.residentActors - 1
        await node.shutdown()

        var report = BenchmarkReport()
        report.add("scenario", "activations")
        report.add("store", store.kind)
        report.add("count", count)
        report.add("seconds", seconds)
        report.add("activations_per_second", Double(count) / seconds)
        report.add("resident_actors", resident)
        report.add("resident_bytes_per_actor", Double(max(0, after - before)) / Double(max(1, resident)))
        if case .postgres(let postgres) = workspace.store, let baseline = workspace.baselinePostgres {
            let baselineSeconds = try await PostgresBaseline.claims(
                configuration: baseline,
                count: count,
                connections: postgres.connections,
                inFlight: concurrency
            )
            report.add("connections", postgres.connections)
            report.add("baseline_claims_per_second", Double(count) / baselineSeconds)
            report.add("ratio_to_baseline", baselineSeconds / seconds)
        }
        return report
    }
}
