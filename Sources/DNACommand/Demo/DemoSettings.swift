/// The options of `dna demo`, parsed and checked.
struct DemoSettings: Sendable {
    var leaseTimeout: Duration
    var heartbeatInterval: Duration
    var deadMargin: Duration
    /// How soon after the kill every reclaimed actor must answer for the demo to pass.
    var recoveryBound: Duration
    /// The number of counters, and of kv maps, the workload writes to.
    var actors: Int
    /// Whether the data directory stays after a run that passed (one that failed always keeps it).
    var keep: Bool
    /// Where to write the summary as JSON.
    var json: String?

    /// The flags that take no value.
    static let booleanFlags: Set<String> = ["keep"]

    /// How long after its last heartbeat a survivor declares a node dead.
    var deadAfter: Duration { leaseTimeout + deadMargin }

    init(_ arguments: inout Arguments) throws(UsageError) {
        leaseTimeout = try arguments.duration("lease-timeout", default: .seconds(3))
        heartbeatInterval = try arguments.duration(
            "heartbeat-interval",
            default: ServeSettings.defaultHeartbeatInterval(leaseTimeout: leaseTimeout)
        )
        deadMargin = try arguments.duration(
            "dead-margin",
            default: ServeSettings.defaultDeadMargin(leaseTimeout: leaseTimeout)
        )
        guard heartbeatInterval >= .milliseconds(1), leaseTimeout >= heartbeatInterval * 2,
            deadMargin >= .milliseconds(1)
        else {
            throw UsageError("--lease-timeout must be at least twice --heartbeat-interval, and both at least 1ms")
        }

        // One second beyond the moment a survivor may declare the node dead: time for the reclaim, and for a
        // machine shared with other work. With the default lease of 3s this is the 5s.
        recoveryBound = try arguments.duration("recovery-bound", default: leaseTimeout + deadMargin + .seconds(1))
        actors = try arguments.int("actors", default: 30)
        guard (1...10_000).contains(actors) else {
            throw UsageError("--actors must be between 1 and 10000")
        }
        keep = try arguments.flag("keep")
        json = arguments.string("json")
    }
}
