/// Polls `condition` until it holds, checking every `interval`, for at most `timeout`.
///
/// For conditions that only time can bring about, such as a lease running out; everything else waits on an
/// ``EventCounter`` or a ``Gate``.
///
/// - Returns: Whether the condition held in time.
@discardableResult
func eventually(
    within timeout: Duration = .seconds(20),
    every interval: Duration = .milliseconds(10),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() {
            return true
        }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
