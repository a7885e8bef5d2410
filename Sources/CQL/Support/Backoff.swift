/// Waits between reconnect attempts: doubling from ``initial`` to ``maximum``, reset by a success.
public struct CQLBackoff: Sendable, Hashable {
    /// The wait after the first failure.
    public var initial: Duration

    /// The longest wait.
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(10)) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// The wait after `failures` consecutive failures (1 for the first).
    public func delay(afterFailures failures: Int) -> Duration {
        // Capped exponent: 2^20 times any sensible initial wait is past any sensible maximum.
        let factor = 1 << min(max(failures, 1) - 1, 20)
        return min(initial * factor, maximum)
    }
}
