import Foundation

/// The outcome of a demo run: printed for people and, with `--json PATH`, written as one JSON object.
struct DemoSummary: Sendable {
    /// One node, as the summary shows it.
    struct Node: Sendable {
        var number: Int
        var id: String
        var listen: String
        var http: String
        var pid: Int32
        /// The actors whose first message went to this node.
        var placedActors: Int
        var killed: Bool
    }

    var settings: DemoSettings
    var nodes: [Node]
    var clients: Int
    var ledger: WriteLedger.Snapshot
    /// How long the workload had run when the node was killed, and the writes acknowledged by then.
    var killedAfter: Duration
    var acknowledgedBeforeKill: Int
    /// Writes acknowledged between the kill and the last reclaimed actor's first answer.
    var acknowledgedDuringOutage: Int
    var recovery: RecoveryTimes
    /// The cluster as a survivor saw it after the recovery.
    var survivorView: ClusterView?
    var checks: [DemoCheck]
    var total: Duration
    var directory: String

    /// Whether every check passed.
    var passed: Bool {
        !checks.isEmpty && checks.allSatisfy(\.passed)
    }

    private var killedNode: Node? {
        nodes.first(where: \.killed)
    }

    /// The summary for people.
    var text: String {
        var lines = [
            "dna demo: \(nodes.count) nodes sharing one SQLite file; lease \(settings.leaseTimeout.secondsText), "
                + "a node is dead \(settings.deadAfter.secondsText) after its last heartbeat",
            "",
            "nodes",
        ]
        lines += nodes.map(Self.line)
        lines += [
            "",
            "workload  \(clients) clients through \(nodes.count) gateways into \(settings.actors) counters and "
                + "\(settings.actors) kv maps",
            "          \(Self.grouped(ledger.acknowledged)) writes acknowledged (\(Self.grouped(ledger.acknowledgedAdds)) "
                + "counter adds, \(Self.grouped(ledger.acknowledgedPuts)) kv puts), "
                + "\(Self.grouped(ledger.failures)) failed or unanswered",
            "kill      SIGKILL to node \(killedNode?.number ?? 0), owner of \(recovery.owned) actors, after "
                + "\(killedAfter.secondsText) of workload and \(Self.grouped(acknowledgedBeforeKill)) writes",
            "recovery  \(recoveryText)",
            "          meanwhile the survivors acknowledged \(Self.grouped(acknowledgedDuringOutage)) writes to their own actors",
        ]
        if let survivorView {
            lines += ["", "the cluster after the kill, as a survivor sees it (dna status):"]
            lines += ClusterTable.render(survivorView).split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "  " + $0 }
        }
        lines += [
            "",
            "checks",
        ]
        lines += checks.map { "  \($0.passed ? "✓" : "✗") \($0.text)" }
        let passedCount = checks.filter(\.passed).count
        lines += [
            "",
            "\(passed ? "passed" : "FAILED"): \(passedCount) of \(checks.count) checks in \(total.secondsText)",
        ]
        return lines.joined(separator: "\n")
    }

    private var recoveryText: String {
        guard let first = recovery.first, let last = recovery.last else {
            return "no reclaimed actor answered (0 of \(recovery.owned))"
        }
        return "the first reclaimed actor answered \(first.secondsText) after the kill, the last "
            + "\(last.secondsText) (\(recovery.answered) of \(recovery.owned))"
    }

    /// The summary as a JSON object, keys sorted.
    func json() throws -> Data {
        let object: [String: Any] = [
            "passed": passed,
            "total_seconds": total.inSeconds,
            "lease_timeout_seconds": settings.leaseTimeout.inSeconds,
            "dead_margin_seconds": settings.deadMargin.inSeconds,
            "heartbeat_interval_seconds": settings.heartbeatInterval.inSeconds,
            "recovery_bound_seconds": settings.recoveryBound.inSeconds,
            "actors": settings.actors,
            "clients": clients,
            "nodes": nodes.map(Self.json),
            "killed_node": killedNode?.number ?? NSNull(),
            "killed_after_seconds": killedAfter.inSeconds,
            "owned_actors": recovery.owned,
            "reclaimed_actors": recovery.answered,
            "first_reclaimed_seconds": recovery.first?.inSeconds ?? NSNull(),
            "last_reclaimed_seconds": recovery.last?.inSeconds ?? NSNull(),
            "acknowledged_adds": ledger.acknowledgedAdds,
            "acknowledged_puts": ledger.acknowledgedPuts,
            "acknowledged_before_kill": acknowledgedBeforeKill,
            "acknowledged_during_outage": acknowledgedDuringOutage,
            "failed_writes": ledger.failures,
            "checks": checks.map { ["name": $0.name, "passed": $0.passed, "text": $0.text] as [String: Any] },
            "data_directory": directory,
        ]
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try JSONSerialization.data(withJSONObject: object, options: options)
    }

    private static func line(_ node: Node) -> String {
        let id = node.id.padding(toLength: max(node.id.count, 30), withPad: " ", startingAt: 0)
        return "  node \(node.number)  \(id)  http \(node.http)  transport \(node.listen)  pid \(node.pid)  "
            + "\(node.placedActors) actors\(node.killed ? "  killed" : "")"
    }

    private static func json(_ node: Node) -> [String: Any] {
        [
            "number": node.number, "id": node.id, "listen": node.listen, "http": node.http, "pid": Int(node.pid),
            "placed_actors": node.placedActors, "killed": node.killed,
        ]
    }

    /// `12345` as `12,345`.
    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (number < 0 ? "-" : "") + groups.joined(separator: ",")
    }
}
