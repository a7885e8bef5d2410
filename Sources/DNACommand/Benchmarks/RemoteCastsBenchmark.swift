import DNA

/// `dna bench remote-casts`: N casts from one node into one actor that another node owns, each forwarded over
/// the cluster transport; then one call that returns once the actor has seen them all, and reports whether
/// they arrived in the order sent.
struct RemoteCastsBenchmark {
    let count: Int
    let store: StoreArgument
    /// The transport settings of both nodes.
    let tuning: RemotePair.Tuning

    func run() async throws -> BenchmarkReport {
        try await BenchmarkWorkspace.using(store) { try await run(in: $0) }
    }

    private func run(in workspace: BenchmarkWorkspace) async throws -> BenchmarkReport {
        let pair = try await RemotePair.start(workspace: workspace, tuning: tuning)
        try await pair.activateOnOwner(BenchSequence.self, key: "casts", message: .report, json: #"{"report":{}}"#)

        let sequence = pair.caller.actor(BenchSequence.self, key: "casts")
        _ = try await sequence.call(.report)

        let started = MonotonicInstant.now()
        for number in 0..<count {
            sequence.cast(.next(number))
        }
        let sent = MonotonicInstant.now()
        let reply = try await sequence.call(.report, timeout: .seconds(600))
        let seconds = (MonotonicInstant.now() - started).inSeconds
        let forwarded = pair.caller.residentActors == 0
        let dropped = pair.caller.metrics.snapshot["dropped_events", default: 0]
        await pair.stop()

        var report = BenchmarkReport()
        report.add("scenario", "remote-casts")
        report.add("store", store.kind)
        report.add("processes", pair.processes)
        tuning.add(to: &report)
        report.add("count", count)
        report.add("seconds", seconds)
        report.add("send_seconds", (sent - started).inSeconds)
        report.add("casts_per_second", Double(count) / seconds)
        report.add("received", reply.received)
        report.add("dropped", dropped)
        report.add("verified", forwarded && reply.received == count && reply.inOrder)
        return report
    }
}
