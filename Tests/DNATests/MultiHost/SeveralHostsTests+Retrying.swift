extension SeveralHostsTests {
    /// A read-back that found a value other than the acknowledged one: a verdict, never retried.
    struct LostWrite: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `body` until it succeeds, for at most `timeout`, pausing `interval` between attempts: for calls that may
    /// meet a cluster in the middle of a failover. A ``LostWrite`` ends the attempts at once.
    ///
    /// - Throws: The ``LostWrite``, or a failure naming `what` and the last error once the time is up.
    static func retrying<Value>(
        _ what: String,
        within timeout: Duration,
        every interval: Duration = .milliseconds(100),
        _ body: () async throws -> Value
    ) async throws -> Value {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                return try await body()
            } catch let lost as LostWrite {
                throw lost
            } catch {
                guard ContinuousClock.now < deadline else {
                    throw HostTestFailure("\(what) did not succeed within \(timeout): \(error)")
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
