import Foundation
import Synchronization

/// What a test observes of the test actors of one key: how often they started and stopped.
///
/// Each probe makes a unique actor key and registers itself under it, so that tests running in parallel never
/// see each other's actors. An actor finds its probe with ``Probe/find(_:)``.
final class Probe: Sendable {
    private static let registry = Mutex<[String: Probe]>([:])

    /// The actor key this probe observes.
    let key: String

    /// Runs of the actor's initialiser.
    let initialisations = EventCounter()

    /// Runs of the actor's stop hook.
    let stops = EventCounter()

    /// When set, initialisers wait at this gate after counting themselves.
    let initGate: Gate?

    /// Messages the actor has handled, counted as each handler returns.
    let handled = EventCounter()

    /// Handlers of ``Ledger/Message/addAndWait(_:)`` count themselves here, then wait at ``handlerGate``.
    let waitingHandlers = EventCounter()

    /// Where ``Ledger/Message/addAndWait(_:)`` waits until the test opens it.
    let handlerGate = Gate()

    init(_ label: String = "actor", holdingInitialisers: Bool = false) {
        key = "\(label)-\(UUID().uuidString)"
        initGate = holdingInitialisers ? Gate() : nil
        Self.registry.withLock { $0[key] = self }
    }

    /// The probe of an actor key, if a test made one.
    static func find(_ key: String) -> Probe? {
        registry.withLock { $0[key] }
    }
}
