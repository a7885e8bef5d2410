import Synchronization

@testable import DNA

/// What a test did to its node processes, and when, on the wall clock the nodes' log lines are stamped with.
///
/// Times that bound how long a node could still serve are taken after the signal was sent (a kill, a stop, a
/// store failure); the time of a drain is taken before, since the hand-over it starts may follow at once.
final class ClusterTimeline: Sendable {
    enum Kind: String, Sendable {
        case killed
        case stopped
        case resumed
        case storeFailed
        case storeHealed
        case drained

        /// Whether the event ends the serving life of the identity the process had then.
        var endsIdentity: Bool {
            switch self {
            case .killed, .stopped, .storeFailed, .drained: true
            case .resumed, .storeHealed: false
            }
        }
    }

    struct Event: Sendable, CustomStringConvertible {
        /// Wall-clock milliseconds.
        var time: Int64
        var process: Int
        var kind: Kind

        var description: String { "\(kind) node \(process) at \(time)" }
    }

    private let recorded = Mutex<[Event]>([])

    func record(_ kind: Kind, process: Int, at time: Int64 = WallClock.nowMillis()) {
        recorded.withLock { $0.append(Event(time: time, process: process, kind: kind)) }
    }

    var events: [Event] {
        recorded.withLock { $0 }
    }
}
