import Dispatch
import Foundation
import Synchronization

/// After the kill: calls each actor the killed node owned through the survivors until it answers, and notes
/// how long after the kill it first did.
///
/// Every actor has a thread of its own, so that one actor's slow answer does not delay noticing another's.
struct RecoveryProbe: Sendable {
    /// A gateway's deadline for one probing call: short, so that an answer is seen soon after the actor is
    /// back, long enough for the survivor to reclaim and start it.
    static let callTimeout: Duration = .milliseconds(300)

    /// The pause after a failed call that came back at once (a survivor that still thinks the owner alive).
    private static let pauseAfterFailure = 0.01

    var actors: [DemoActor]
    var gateways: Gateways
    var killedAt: ContinuousClock.Instant
    /// How long after the kill an actor that has not answered is given up on.
    var patience: Duration
    /// Called on the probe's thread when an actor answers for the first time.
    var onAnswer: @Sendable (DemoActor) -> Void = { _ in }

    /// Probes every actor; returns, for each that answered, the time from the kill to its first answer.
    ///
    /// - Important: Blocks until every actor has answered or `patience` has run out.
    func run() -> [DemoActor: Duration] {
        let answers = Mutex<[DemoActor: Duration]>([:])
        let finished = DispatchGroup()

        for (turn, actor) in actors.enumerated() {
            finished.enter()
            let thread = Thread {
                if let answer = probe(actor, startingAt: turn) {
                    answers.withLock { $0[actor] = answer }
                    onAnswer(actor)
                }
                finished.leave()
            }
            thread.name = "dna-demo-probe"
            thread.start()
        }

        finished.wait()
        return answers.withLock { $0 }
    }

    private func probe(_ actor: DemoActor, startingAt turn: Int) -> Duration? {
        let clock = ContinuousClock()
        var turn = turn
        while clock.now < killedAt + patience {
            // Alternate survivors: each must be able to reach the reclaimed actor, not just the one that took it.
            turn += 1
            if (try? gateways.survivor(turn: turn).probe(actor, timeout: Self.callTimeout)) != nil {
                return clock.now - killedAt
            }
            Thread.sleep(forTimeInterval: Self.pauseAfterFailure)
        }
        return nil
    }
}
