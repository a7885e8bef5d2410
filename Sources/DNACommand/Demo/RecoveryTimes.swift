/// How the killed node's actors came back: how many answered again, and when the first and the last did,
/// measured from the kill.
struct RecoveryTimes: Equatable, Sendable {
    /// The actors the killed node owned.
    var owned: Int
    /// Those that answered through a survivor.
    var answered: Int
    var first: Duration?
    var last: Duration?

    /// - Parameters:
    ///   - owned: The number of actors the killed node owned.
    ///   - answers: For each that answered, the time from the kill to its first answer.
    init(owned: Int, answers: some Collection<Duration>) {
        self.owned = owned
        answered = answers.count
        first = answers.min()
        last = answers.max()
    }

    /// Whether the killed node owned actors and every one of them answered again.
    var allAnswered: Bool {
        owned > 0 && answered == owned
    }

    /// Whether every actor answered again, the last no later than `bound` after the kill.
    func isWithin(_ bound: Duration) -> Bool {
        guard allAnswered, let last else {
            return false
        }
        return last <= bound
    }
}
