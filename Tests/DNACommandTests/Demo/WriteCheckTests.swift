import Testing

@testable import DNACommand

@Suite("Demo: acknowledged writes against what was read back")
struct WriteCheckTests {
    private let tallies = [
        "a": CounterTally(acknowledged: 10, attempted: 10),
        "b": CounterTally(acknowledged: 5, attempted: 12),
        "c": CounterTally(acknowledged: 0, attempted: 4),
    ]

    @Test("counters anywhere from their acknowledged adds to every add sent hold")
    func countersWithinBounds() {
        let result = WriteCheck.counters(tallies, readings: ["a": 10, "b": 12, "c": 0])

        #expect(result == WriteCheck.Counters(held: 3))
        #expect(result.passed)
    }

    @Test("a counter below its acknowledged adds lost a write; one above every add sent applied one twice")
    func countersOutOfBounds() {
        let result = WriteCheck.counters(tallies, readings: ["a": 9, "b": 13, "c": 4])

        #expect(result.lost == ["a"])
        #expect(result.excess == ["b"])
        #expect(result.held == 1)
        #expect(!result.passed)
    }

    @Test("a counter that could not be read fails the check")
    func unreadCounter() {
        let result = WriteCheck.counters(tallies, readings: ["a": 10, "c": 1])

        #expect(result.unread == ["b"])
        #expect(result.total == 3)
        #expect(!result.passed)
    }

    @Test("every acknowledged put must read back with its value; unacknowledged items may be there")
    func putsHeld() {
        let acknowledged = ["m1": ["i1": "v1", "i2": "v2"], "m2": ["i3": "v3"]]
        let readings = ["m1": ["i1": "v1", "i2": "v2", "i9": "in doubt"], "m2": ["i3": "v3"]]

        let result = WriteCheck.puts(acknowledged, readings: readings)

        #expect(result == WriteCheck.Puts(held: 3))
        #expect(result.passed)
    }

    @Test("a missing item, a changed value and an unreadable map each fail the check")
    func putsLost() {
        let acknowledged = ["m1": ["i1": "v1", "i2": "v2"], "m2": ["i3": "v3", "i4": "v4"]]
        let readings = ["m1": ["i2": "other"]]

        let result = WriteCheck.puts(acknowledged, readings: readings)

        #expect(result.missing == ["m1/i1"])
        #expect(result.changed == ["m1/i2"])
        #expect(result.unread == 2)
        #expect(result.held == 0)
        #expect(result.total == 4)
        #expect(!result.passed)
    }
}
