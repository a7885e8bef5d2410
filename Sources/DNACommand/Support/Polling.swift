import Foundation

/// Checks `condition` every `interval` until it holds or `timeout` has passed, blocking the calling thread.
///
/// Only for what time alone brings about (a lease running out, a peer noticing it); what an event signals is
/// waited for on that event.
///
/// - Returns: Whether the condition held in time.
/// - Important: Blocks; call it only on threads of the command's own, never on the cooperative pool.
func poll(within timeout: Duration, every interval: Duration, _ condition: () throws -> Bool) rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try condition() {
            return true
        }
        Thread.sleep(forTimeInterval: interval.inSeconds)
    }
    return try condition()
}
