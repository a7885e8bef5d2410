import Testing

@testable import DNACommand

@Suite("Demo: settings")
struct DemoSettingsTests {
    private func settings(_ words: [String]) throws -> DemoSettings {
        var arguments = try Arguments(words, booleanFlags: DemoSettings.booleanFlags)
        let settings = try DemoSettings(&arguments)
        try arguments.checkAllUsed()
        return settings
    }

    @Test("the default lease of 3s gives a heartbeat of 500ms, a margin of 1s and the 5s bound")
    func defaults() throws {
        let defaults = try settings([])

        #expect(defaults.leaseTimeout == .seconds(3))
        #expect(defaults.heartbeatInterval == .milliseconds(500))
        #expect(defaults.deadMargin == .seconds(1))
        #expect(defaults.recoveryBound == .seconds(5))
        #expect(defaults.actors == 30)
        #expect(!defaults.keep)
    }

    @Test("heartbeat, margin and bound follow a shorter lease unless given")
    func shorterLease() throws {
        let short = try settings(["--lease-timeout", "1500ms", "--actors", "10", "--keep"])
        let given = try settings(["--lease-timeout", "2s", "--dead-margin", "200ms", "--recovery-bound", "9s"])

        #expect(short.heartbeatInterval == .milliseconds(250))
        #expect(short.deadMargin == .milliseconds(500))
        #expect(short.recoveryBound == .seconds(3))
        #expect(short.actors == 10)
        #expect(short.keep)
        #expect(given.deadMargin == .milliseconds(200))
        #expect(given.recoveryBound == .seconds(9))
    }

    @Test("a lease shorter than two heartbeats, no actors, and unknown flags are refused")
    func refused() {
        #expect(throws: UsageError.self) { try settings(["--lease-timeout", "1s", "--heartbeat-interval", "600ms"]) }
        #expect(throws: UsageError.self) { try settings(["--actors", "0"]) }
        #expect(throws: UsageError.self) { try settings(["--nodes", "5"]) }
    }

    @Test("durations go to the nodes in whole milliseconds")
    func flagText() {
        #expect(Duration.milliseconds(333).flagText == "333ms")
        #expect(Duration.seconds(3).flagText == "3000ms")
    }
}
