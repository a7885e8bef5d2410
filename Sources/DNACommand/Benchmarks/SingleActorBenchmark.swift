import DNA
import Foundation

/// `dna bench single-actor`: one actor, N casts that each set a distinct key, one call that returns once all of
/// them are durable, then every key read back. On SQLite and PostgreSQL the same rows are also upserted raw, in
/// the same run, as the baseline, and the read-back goes through a fresh connection to the store.
struct SingleActorBenchmark {
    let count: Int
    let store: StoreArgument
    /// Whether batches go on while the previous flush is in flight (``Node/Configuration/pipelinesFlushes``).
    let pipelining: Bool

    static func key(_ index: Int) -> String { "k\(index)" }
    static func value(_ index: Int) -> String { "v\(index)" }

    func run() async throws -> BenchmarkReport {
        try await BenchmarkWorkspace.using(store) { try await run(in: $0) }
    }

    private func run(in workspace: BenchmarkWorkspace) async throws -> BenchmarkReport {
        let run = try await runActor(store: workspace.store)

        var report = BenchmarkReport()
        report.add("scenario", "single-actor")
        report.add("store", store.kind)
        report.add("count", count)
        report.add("pipelining", pipelining)
        report.add("seconds", run.seconds)
        report.add("puts_per_second", Double(count) / run.seconds)
        report.add("batches", run.batches)
        if let baselinePath = workspace.baselinePath {
            let baseline = try await SQLiteBaseline.upsertRows(
                path: baselinePath,
                name: run.name,
                module: BenchWriter.module,
                count: count,
                key: Self.key,
                value: { Array(Self.value($0).utf8) }
            )
            report.add("baseline_rows_per_second", Double(count) / baseline)
            report.add("ratio_to_baseline", baseline / run.seconds)
        }
        if let postgres = workspace.baselinePostgres {
            let baseline = try await PostgresBaseline.upsertRows(
                configuration: postgres,
                name: run.name,
                module: BenchWriter.module,
                count: count,
                key: Self.key,
                value: { Array(Self.value($0).utf8) }
            )
            report.add("baseline_rows_per_second", Double(count) / baseline)
            report.add("ratio_to_baseline", baseline / run.seconds)
        }
        report.add("verified", run.verified)
        return report
    }

    private struct ActorRun {
        var seconds: Double
        var name: ActorName
        var verified: Bool
        var batches: Int
    }

    private func runActor(store: StoreArgument) async throws -> ActorRun {
        var configuration = Node.Configuration(store: .custom(try await store.open()))
        configuration.pipelinesFlushes = pipelining
        let node = try await Node.start(configuration, actorTypes: [BenchWriter.self])
        let writer = node.actor(BenchWriter.self, key: "single")
        _ = try await writer.call(.sync)

        let started = MonotonicInstant.now()
        for index in 0..<count {
            writer.cast(.put(key: Self.key(index), value: Self.value(index)))
        }

        let puts = try await writer.call(.sync, timeout: .seconds(600))
        let seconds = (MonotonicInstant.now() - started).inSeconds
        let batches = node.metrics.snapshot["batches", default: 0] - 1
        guard puts == count else {
            throw BenchmarkError("the actor saw \(puts) puts, not \(count)")
        }

        if case .memory = store {
            // Nothing outlives a memory store: read back through the node's own store before shutting down.
            let verified = try await Self.readBack(name: writer.name, store: node.store, count: count)
            await node.shutdown()
            return ActorRun(seconds: seconds, name: writer.name, verified: verified, batches: batches)
        }
        await node.shutdown()
        let fresh = try await store.open()
        let verified = try await Self.readBack(name: writer.name, store: fresh, count: count)
        await fresh.close()
        return ActorRun(seconds: seconds, name: writer.name, verified: verified, batches: batches)
    }

    /// Reads every item of the actor and checks that each key holds its value and nothing else is there.
    static func readBack(name: ActorName, store: any Store, count: Int) async throws -> Bool {
        let pageSize = 10_000
        var seen = 0
        var cursor: String?
        repeat {
            let page = try await store.list(
                name,
                module: BenchWriter.module,
                query: .prefix("", after: cursor, limit: pageSize)
            )
            for item in page {
                guard item.key.hasPrefix("k"), let index = Int(item.key.dropFirst()), index < count,
                    item.value == Array(value(index).utf8)
                else {
                    return false
                }
                seen += 1
            }
            cursor = page.count == pageSize ? page.last?.key : nil
        } while cursor != nil
        return seen == count
    }
}
