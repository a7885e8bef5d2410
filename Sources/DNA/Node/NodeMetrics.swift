import Synchronization

/// Counters of what a node's runtime did, for tests, benchmarks and the metrics endpoint.
public final class NodeMetrics: Sendable {
    private let activations = Atomic<Int>(0)
    private let stops = Atomic<Int>(0)
    private let restarts = Atomic<Int>(0)
    private let batches = Atomic<Int>(0)
    private let events = Atomic<Int>(0)
    private let flushes = Atomic<Int>(0)
    private let flushedWrites = Atomic<Int>(0)
    private let flushFailures = Atomic<Int>(0)
    private let droppedEvents = Atomic<Int>(0)
    private let malformedMessages = Atomic<Int>(0)
    private let fences = Atomic<Int>(0)

    init() {}

    func recordActivation() { activations.add(1, ordering: .relaxed) }
    func recordStop() { stops.add(1, ordering: .relaxed) }
    func recordRestart() { restarts.add(1, ordering: .relaxed) }
    func recordFlushFailure() { flushFailures.add(1, ordering: .relaxed) }
    func recordDroppedEvent() { droppedEvents.add(1, ordering: .relaxed) }
    func recordMalformedMessage() { malformedMessages.add(1, ordering: .relaxed) }
    func recordFence() { fences.add(1, ordering: .relaxed) }

    func recordBatch(events count: Int) {
        batches.add(1, ordering: .relaxed)
        events.add(count, ordering: .relaxed)
    }

    func recordFlush(writes count: Int) {
        flushes.add(1, ordering: .relaxed)
        flushedWrites.add(count, ordering: .relaxed)
    }

    /// A snapshot of every counter, by metric name.
    public var snapshot: [String: Int] {
        [
            "activations": activations.load(ordering: .relaxed),
            "stops": stops.load(ordering: .relaxed),
            "restarts": restarts.load(ordering: .relaxed),
            "batches": batches.load(ordering: .relaxed),
            "events": events.load(ordering: .relaxed),
            "flushes": flushes.load(ordering: .relaxed),
            "flushed_writes": flushedWrites.load(ordering: .relaxed),
            "flush_failures": flushFailures.load(ordering: .relaxed),
            "dropped_events": droppedEvents.load(ordering: .relaxed),
            "malformed_messages": malformedMessages.load(ordering: .relaxed),
            "lease_losses": fences.load(ordering: .relaxed),
        ]
    }
}
