/// How long a peer channel waits before the next connect attempt after
/// failures: doubling from ``initial`` up to ``maximum``, reset by a success.
///
/// A value with no clock of its own, so tests drive it with plain numbers.
public struct ReconnectBackoff: Sendable, Hashable {
    /// The wait after the first failure.
    public var initial: Duration

    /// The longest wait.
    public var maximum: Duration

    /// Consecutive failures since the last successful connection.
    private(set) var failures = 0

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - initial: The wait after the first failure.
    ///   - maximum: The longest wait.
    public init(initial: Duration = .milliseconds(50), maximum: Duration = .seconds(5)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// Records a failed attempt.
    ///
    /// - Returns: How long to wait before the next attempt.
    mutating func recordFailure() -> Duration {
        failures += 1
        // Capped exponent: 2^20 times any sensible initial wait is already past any sensible maximum.
        let factor = 1 << min(failures - 1, 20)
        return min(initial * factor, maximum)
    }

    /// Records a successful connection; the next failure waits ``initial`` again.
    mutating func recordSuccess() {
        failures = 0
    }
}
