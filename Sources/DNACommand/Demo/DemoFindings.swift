/// What a demo run observed from the kill on, and the checks that follow from it.
struct DemoFindings: Sendable {
    /// What a survivor's cluster view said of the killed node.
    enum Sighting: Equatable, Sendable {
        /// Listed, not alive.
        case dead
        /// No longer listed: its row was deleted as long dead.
        case forgotten
        /// Still listed alive.
        case alive
        /// The view could not be read.
        case unreadable
    }

    /// The actors whose first message went to the killed node, which therefore claimed them.
    var placedOnVictim: Int
    /// The resident actors the killed node reported just before the kill, when it answered.
    var residentOnVictim: Int?
    var recovery: RecoveryTimes
    var recoveryBound: Duration
    /// Writes acknowledged after the last reclaimed actor answered.
    var acknowledgedAfterRecovery: Int
    var puts: WriteCheck.Puts
    var counters: WriteCheck.Counters
    /// One per survivor.
    var sightings: [Sighting]
    /// How each survivor exited after SIGTERM; `nil` when it did not exit in time.
    var survivorExits: [ServeProcess.Exit?]

    /// The checks, in the order they are shown.
    var checks: [DemoCheck] {
        [ownership, answeredAgain, answeredInTime, servedAfterRecovery, putsHeld, countersHeld, deadSeen, drained]
    }

    private var ownership: DemoCheck {
        let resident = residentOnVictim.map { "\($0) resident by its own count" } ?? "its own count unknown"
        return DemoCheck(
            name: "killed_node_owned_actors",
            passed: placedOnVictim > 0 && (residentOnVictim ?? 0) > 0,
            text: "the killed node owned actors (\(placedOnVictim) first called there, \(resident))"
        )
    }

    private var answeredAgain: DemoCheck {
        DemoCheck(
            name: "reclaimed_actors_answered",
            passed: recovery.allAnswered,
            text: "every actor it owned answered again through the survivors "
                + "(\(recovery.answered) of \(recovery.owned))"
        )
    }

    private var answeredInTime: DemoCheck {
        let last = recovery.last.map { "the last after \($0.secondsText)" } ?? "not all answered"
        return DemoCheck(
            name: "reclaimed_within_bound",
            passed: recovery.isWithin(recoveryBound),
            text: "reclaimed actors answered within \(recoveryBound.secondsText) of the kill (\(last))"
        )
    }

    private var servedAfterRecovery: DemoCheck {
        DemoCheck(
            name: "writes_after_recovery",
            passed: acknowledgedAfterRecovery > 0,
            text: "the survivors went on acknowledging writes (\(acknowledgedAfterRecovery) after the recovery)"
        )
    }

    private var putsHeld: DemoCheck {
        var problems: [String] = []
        if !puts.missing.isEmpty {
            problems.append("\(puts.missing.count) missing, e.g. \(puts.missing[0])")
        }
        if !puts.changed.isEmpty {
            problems.append("\(puts.changed.count) with another value, e.g. \(puts.changed[0])")
        }
        if puts.unread > 0 {
            problems.append("\(puts.unread) in maps that could not be read")
        }
        let detail = problems.isEmpty ? "" : "; " + problems.joined(separator: ", ")
        return DemoCheck(
            name: "acknowledged_puts_held",
            passed: puts.passed && puts.total > 0,
            text: "no acknowledged kv put was lost "
                + "(\(DemoSummary.grouped(puts.held)) of \(DemoSummary.grouped(puts.total)) read back with their value\(detail))"
        )
    }

    private var countersHeld: DemoCheck {
        var problems: [String] = []
        if !counters.lost.isEmpty {
            problems.append("below their acknowledged adds: \(counters.lost.joined(separator: ", "))")
        }
        if !counters.excess.isEmpty {
            problems.append("above every add sent: \(counters.excess.joined(separator: ", "))")
        }
        if !counters.unread.isEmpty {
            problems.append("unreadable: \(counters.unread.joined(separator: ", "))")
        }
        let detail = problems.isEmpty ? "" : "; " + problems.joined(separator: "; ")
        return DemoCheck(
            name: "counters_within_bounds",
            passed: counters.passed && counters.total > 0,
            text: "every counter holds its acknowledged adds and no more than was sent "
                + "(\(counters.held) of \(counters.total)\(detail))"
        )
    }

    private var deadSeen: DemoCheck {
        let seeing = sightings.filter { $0 == .dead || $0 == .forgotten }.count
        return DemoCheck(
            name: "survivors_see_node_dead",
            passed: !sightings.isEmpty && seeing == sightings.count,
            text: "the survivors' cluster views show the killed node dead (\(seeing) of \(sightings.count))"
        )
    }

    private var drained: DemoCheck {
        let clean = survivorExits.filter { $0 == .exited(0) }.count
        return DemoCheck(
            name: "survivors_drained",
            passed: !survivorExits.isEmpty && clean == survivorExits.count,
            text: "the survivors drained on SIGTERM and exited 0 (\(clean) of \(survivorExits.count))"
        )
    }
}
