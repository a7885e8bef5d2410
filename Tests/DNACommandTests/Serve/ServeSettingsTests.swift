import DNA
import Testing

@testable import DNACommand

@Suite("Serve: transport tuning flags")
struct ServeSettingsTests {
    private func settings(_ words: [String], environment: [String: String] = [:]) throws -> ServeSettings {
        var arguments = try Arguments(words, booleanFlags: [], environment: environment)
        let settings = try ServeSettings(&arguments)
        try arguments.checkAllUsed()
        return settings
    }

    @Test("without flags a node polls 50 µs after a request or reply and lets streamed casts wait 200 µs")
    func defaults() throws {
        let transport = try #require(try settings([]).configuration(store: .memory).transport)
        #expect(transport.busyPoll == .microseconds(50))
        #expect(transport.castCoalescing == .microseconds(200))
    }

    @Test("--busy-poll and --cast-coalescing, or their variables, reach the transport; zero turns them off")
    func flags() throws {
        let given = try settings(["--busy-poll", "0us", "--cast-coalescing", "1ms"])
        #expect(given.configuration(store: .memory).transport?.busyPoll == .zero)
        #expect(given.configuration(store: .memory).transport?.castCoalescing == .milliseconds(1))

        let environment = try settings([], environment: ["DNA_CAST_COALESCING": "0us", "DNA_BUSY_POLL": "20us"])
        #expect(environment.castCoalescing == .zero)
        #expect(environment.busyPoll == .microseconds(20))
    }

    @Test("values over 10 ms or that are not durations are refused", arguments: ["busy-poll", "cast-coalescing"])
    func badValues(flag: String) throws {
        #expect(throws: UsageError.self) { try settings(["--\(flag)", "11ms"]) }
        #expect(throws: UsageError.self) { try settings(["--\(flag)", "soon"]) }
    }
}
