import Synchronization

/// What the workload's writes added to one counter: the adds a gateway acknowledged, and all that were sent.
struct CounterTally: Equatable, Sendable {
    var acknowledged: Int64 = 0
    /// Every add sent, acknowledged or not: one that failed may still have been applied.
    var attempted: Int64 = 0
}

/// Every write the demo sent and every one a gateway acknowledged, shared by the workload's threads.
///
/// Every kv put writes an item of its own, so that an acknowledged put has exactly one value to read back.
final class WriteLedger: Sendable {
    /// The ledger at one moment.
    struct Snapshot: Sendable {
        /// By counter key.
        var counters: [String: CounterTally] = [:]
        /// The acknowledged puts: map key → item → value.
        var puts: [String: [String: String]] = [:]
        var acknowledgedAdds = 0
        var acknowledgedPuts = 0
        var attemptedPuts = 0
        /// Writes that got an error or no answer.
        var failures = 0

        var acknowledged: Int { acknowledgedAdds + acknowledgedPuts }
    }

    private let state = Mutex(Snapshot())
    private let items = Atomic<Int>(0)

    /// A name for a new kv item, never handed out before.
    func newItem() -> String {
        "item-\(items.wrappingAdd(1, ordering: .relaxed).newValue)"
    }

    /// Notes an add about to be sent.
    func willAdd(_ amount: Int64, to counter: String) {
        state.withLock { $0.counters[counter, default: CounterTally()].attempted += amount }
    }

    /// Notes an add a gateway acknowledged.
    func didAdd(_ amount: Int64, to counter: String) {
        state.withLock { state in
            state.counters[counter, default: CounterTally()].acknowledged += amount
            state.acknowledgedAdds += 1
        }
    }

    /// Notes a put about to be sent.
    func willPut() {
        state.withLock { $0.attemptedPuts += 1 }
    }

    /// Notes a put a gateway acknowledged.
    func didPut(_ value: String, at item: String, in map: String) {
        state.withLock { state in
            state.puts[map, default: [:]][item] = value
            state.acknowledgedPuts += 1
        }
    }

    /// Notes a write that failed or got no answer.
    func didFail() {
        state.withLock { $0.failures += 1 }
    }

    var snapshot: Snapshot {
        state.withLock { $0 }
    }

    /// The number of acknowledged writes so far.
    var acknowledged: Int {
        state.withLock { $0.acknowledged }
    }
}
