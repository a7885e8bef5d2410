import Testing

@testable import DNACommand

@Suite("Demo: gateways and survivors")
struct GatewaysTests {
    @Test("a client keeps its gateway until that node is killed, then takes the survivors in turn")
    func survivors() {
        let gateways = Gateways(["a:1", "b:2", "c:3"])
        #expect(gateways.client(preferring: 1, turn: 7).address == "b:2")

        gateways.markKilled(1)

        #expect(gateways.survivors == [0, 2])
        #expect(gateways.client(preferring: 1, turn: 0).address == "a:1")
        #expect(gateways.client(preferring: 1, turn: 1).address == "c:3")
        #expect(gateways.client(preferring: 2, turn: 0).address == "c:3")
        #expect(gateways.survivor(turn: 3).address == "c:3")
    }

    @Test("the victim is the node on which the most actors were placed")
    func busiest() {
        let actors = DemoActor.workload(count: 4)
        let placement = Dictionary(uniqueKeysWithValues: actors.enumerated().map { ($1, $0 < 5 ? 2 : $0 % 2) })

        #expect(actors.count == 8)
        #expect(DemoRun.busiest(placement, nodes: 3) == 2)
    }

    @Test("numbers are grouped by thousands")
    func grouped() {
        #expect(DemoSummary.grouped(0) == "0")
        #expect(DemoSummary.grouped(999) == "999")
        #expect(DemoSummary.grouped(1_000) == "1,000")
        #expect(DemoSummary.grouped(1_234_567) == "1,234,567")
        #expect(DemoSummary.grouped(-4_321) == "-4,321")
    }
}
