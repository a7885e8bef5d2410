import Testing

@testable import CQL

@Suite struct TokenRingTests {
    let ring = TokenRing(hosts: [
        CQLHost(address: "a", port: 1, datacenter: "dc1", tokens: [-100, 100]),
        CQLHost(address: "b", port: 1, datacenter: "dc2", tokens: [0]),
        CQLHost(address: "c", port: 1, datacenter: "dc1", tokens: [50, 200]),
    ])

    @Test func theOwnerIsTheFirstTokenAtOrAfter() {
        #expect(ring.replicas(of: -100).map(\.host) == ["a", "b", "c"])
        #expect(ring.replicas(of: -99).map(\.host) == ["b", "c", "a"])
        #expect(ring.replicas(of: 50).map(\.host) == ["c", "a", "b"])
        #expect(ring.replicas(of: 150).map(\.host) == ["c", "a", "b"])
    }

    @Test func tokensPastTheLastWrapAround() {
        #expect(ring.replicas(of: 201).map(\.host) == ["a", "b", "c"])
        #expect(ring.replicas(of: .max).map(\.host) == ["a", "b", "c"])
    }

    @Test func aDatacenterFilterKeepsRingOrder() {
        let dc1: Set = ["a", "c"]
        #expect(ring.replicas(of: -99) { dc1.contains($0.host) }.map(\.host) == ["c", "a"])
        #expect(TokenRing(hosts: []).replicas(of: 0).isEmpty)
    }
}
