import Testing

@testable import DNACommand

@Suite("Demo: the checks that follow from a run's findings")
struct DemoFindingsTests {
    private func findings() -> DemoFindings {
        DemoFindings(
            placedOnVictim: 20,
            residentOnVictim: 20,
            recovery: RecoveryTimes(owned: 20, answers: Array(repeating: Duration.seconds(4), count: 20)),
            recoveryBound: .seconds(5),
            acknowledgedAfterRecovery: 60,
            puts: WriteCheck.Puts(held: 100),
            counters: WriteCheck.Counters(held: 30),
            sightings: [.dead, .forgotten],
            survivorExits: [.exited(0), .exited(0)]
        )
    }

    /// The names of the checks that failed.
    private func failures(_ findings: DemoFindings) -> [String] {
        findings.checks.filter { !$0.passed }.map(\.name)
    }

    @Test("a clean run passes all eight checks")
    func cleanRun() {
        let checks = findings().checks

        #expect(checks.count == 8)
        #expect(checks.filter { !$0.passed }.isEmpty)
        #expect(Set(checks.map(\.name)).count == 8)
    }

    @Test("each kind of trouble fails its own check and no other")
    func eachFailure() {
        var late = findings()
        late.recovery = RecoveryTimes(owned: 20, answers: Array(repeating: Duration.seconds(6), count: 20))
        #expect(failures(late) == ["reclaimed_within_bound"])

        var lost = findings()
        lost.puts = WriteCheck.Puts(held: 99, missing: ["kv/demo-1/item-7"])
        #expect(failures(lost) == ["acknowledged_puts_held"])

        var doubled = findings()
        doubled.counters = WriteCheck.Counters(held: 29, excess: ["demo-3"])
        #expect(failures(doubled) == ["counters_within_bounds"])

        var stillAlive = findings()
        stillAlive.sightings = [.dead, .alive]
        #expect(failures(stillAlive) == ["survivors_see_node_dead"])

        var stuck = findings()
        stuck.survivorExits = [.exited(0), nil]
        #expect(failures(stuck) == ["survivors_drained"])

        var idle = findings()
        idle.acknowledgedAfterRecovery = 0
        #expect(failures(idle) == ["writes_after_recovery"])
    }

    @Test("a victim that owned nothing fails ownership and the recovery checks")
    func nothingOwned() {
        var empty = findings()
        empty.placedOnVictim = 0
        empty.residentOnVictim = 0
        empty.recovery = RecoveryTimes(owned: 0, answers: [Duration]())

        #expect(failures(empty) == ["killed_node_owned_actors", "reclaimed_actors_answered", "reclaimed_within_bound"])
    }

    @Test("no writes at all is not a pass: a check over nothing proves nothing")
    func nothingWritten() {
        var nothing = findings()
        nothing.puts = WriteCheck.Puts()
        nothing.counters = WriteCheck.Counters()

        #expect(failures(nothing) == ["acknowledged_puts_held", "counters_within_bounds"])
    }

    @Test("a failed check says what went wrong")
    func failureText() {
        var lost = findings()
        lost.puts = WriteCheck.Puts(held: 1_500, missing: ["kv/demo-1/item-7"], unread: 3)

        let check = lost.checks.first { $0.name == "acknowledged_puts_held" }

        #expect(check?.text.contains("1,500 of 1,504") == true)
        #expect(check?.text.contains("1 missing, e.g. kv/demo-1/item-7") == true)
        #expect(check?.text.contains("3 in maps that could not be read") == true)
    }
}
