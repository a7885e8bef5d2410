import Testing

@testable import DNANetwork

@Suite("Raw TCP ping-pong", .timeLimit(.minutes(1)))
struct PingPongTests {
    @Test("measure times every round trip against a ping-pong server")
    func measure() async throws {
        let server = try PingPong.serve(payloadSize: 100)
        let measurement = try await PingPong.measure(
            host: server.address.host,
            port: server.address.port,
            payloadSize: 100,
            count: 200,
            warmUp: 10
        )
        server.close()

        #expect(measurement.roundTrips.count == 200)
        #expect(measurement.roundTrips == measurement.roundTrips.sorted())
        #expect(measurement.p50 > .zero)
        #expect(measurement.p99 >= measurement.p50)
        #expect(measurement.percentile(1) == measurement.roundTrips.last)
    }

    @Test("measure fails when nothing listens")
    func nothingListening() async throws {
        let reserved = try ReservedPort()
        await #expect(throws: NetworkError.self) {
            try await PingPong.measure(host: "127.0.0.1", port: reserved.port, payloadSize: 8, count: 1)
        }
    }
}
