import Testing

@testable import DNANetwork

@Suite("When a loop polls before it sleeps")
struct BusyPollPolicyTests {
    private static let poll: UInt64 = 50_000

    @Test("it polls only when an answer is expected, and never with polling off or without a sleep ahead")
    func pollsWhenAnAnswerIsExpected() {
        let policy = BusyPollPolicy(nanoseconds: Self.poll)
        #expect(policy.shouldPoll(timeout: -1, answerExpected: true) { 0 })
        #expect(policy.shouldPoll(timeout: 1_000_000, answerExpected: true) { 0 })
        #expect(!policy.shouldPoll(timeout: -1, answerExpected: false) { 0 }, "one-way traffic never polls")
        #expect(!policy.shouldPoll(timeout: 0, answerExpected: true) { 0 }, "a loop with jobs does not sleep")

        let off = BusyPollPolicy(nanoseconds: 0)
        #expect(!off.shouldPoll(timeout: -1, answerExpected: true) { 0 })
    }

    @Test("a poll that found nothing stops polling for twenty polls' time")
    func backsOffAfterAMiss() {
        var policy = BusyPollPolicy(nanoseconds: Self.poll)
        policy.recordMiss(at: 1_000_000)

        #expect(!policy.shouldPoll(timeout: -1, answerExpected: true) { 1_000_000 })
        #expect(!policy.shouldPoll(timeout: -1, answerExpected: true) { 1_000_000 + 20 * Self.poll - 1 })
        #expect(policy.shouldPoll(timeout: -1, answerExpected: true) { 1_000_000 + 20 * Self.poll })
    }

    @Test("misses in a row double the pause, up to 64 times; a poll that finds something resets it")
    func backoffGrowsAndResets() {
        var policy = BusyPollPolicy(nanoseconds: Self.poll)
        let base = 20 * Self.poll

        policy.recordMiss(at: 0)
        policy.recordMiss(at: base)
        #expect(!policy.shouldPoll(timeout: -1, answerExpected: true) { base + 2 * base - 1 })
        #expect(policy.shouldPoll(timeout: -1, answerExpected: true) { base + 2 * base })

        var time = base
        for _ in 0..<10 {
            time += 64 * base
            policy.recordMiss(at: time)
        }
        #expect(!policy.shouldPoll(timeout: -1, answerExpected: true) { time + 64 * base - 1 })
        #expect(policy.shouldPoll(timeout: -1, answerExpected: true) { time + 64 * base })

        policy.recordHit()
        #expect(policy.shouldPoll(timeout: -1, answerExpected: true) { time })
        policy.recordMiss(at: time)
        #expect(policy.shouldPoll(timeout: -1, answerExpected: true) { time + base })
    }
}
