import Testing

@testable import DNACommand

@Suite("Demo: the recovery of the killed node's actors")
struct RecoveryTimesTests {
    @Test("first and last are the earliest and latest answers")
    func firstAndLast() {
        let times = RecoveryTimes(owned: 3, answers: [.milliseconds(4100), .milliseconds(3900), .milliseconds(4000)])

        #expect(times.first == .milliseconds(3900))
        #expect(times.last == .milliseconds(4100))
        #expect(times.allAnswered)
    }

    @Test("within the bound only when every actor answered and the last in time")
    func bound() {
        let times = RecoveryTimes(owned: 2, answers: [.seconds(4), .milliseconds(4999)])

        #expect(times.isWithin(.seconds(5)))
        #expect(!times.isWithin(.milliseconds(4998)))
    }

    @Test("an actor that never answered fails the bound however quick the others were")
    func missingAnswer() {
        let times = RecoveryTimes(owned: 3, answers: [.seconds(1), .seconds(1)])

        #expect(!times.allAnswered)
        #expect(!times.isWithin(.seconds(5)))
        #expect(times.answered == 2)
    }

    @Test("a killed node that owned nothing shows no recovery")
    func nothingOwned() {
        let times = RecoveryTimes(owned: 0, answers: [Duration]())

        #expect(times.first == nil)
        #expect(!times.allAnswered)
        #expect(!times.isWithin(.seconds(5)))
    }
}
