import Dispatch
import Foundation
import Synchronization

/// Clients that write to the demo's actors through every gateway at once until stopped, noting every write in
/// a ``WriteLedger``.
///
/// Each client runs on a thread of its own and prefers one gateway; once that gateway's node is killed it
/// writes through the survivors. Writes go to actors picked at random, so that every node forwards to every
/// other. Actors can be set aside for a while: the killed node's, until the recovery probe sees each answer
/// again, so that the clients show the survivors serving their own actors during the outage instead of
/// waiting out timeouts.
final class Workload: Sendable {
    /// A gateway's deadline for one write: ample for an activation on a busy machine, short enough that a
    /// client stuck on an actor of the killed node soon writes elsewhere again.
    static let callTimeout: Duration = .seconds(1)

    /// The pause after a failed write, so that a client meeting a dead node does not spin.
    private static let pauseAfterFailure = 0.01

    private let actors: [DemoActor]
    private let gateways: Gateways
    private let ledger: WriteLedger
    private let clientsPerGateway: Int
    private let stopping = Atomic<Bool>(false)
    private let running = DispatchGroup()
    private let setAside = Mutex<Set<DemoActor>>([])

    /// - Precondition: `actors` is not empty.
    init(actors: [DemoActor], gateways: Gateways, ledger: WriteLedger, clientsPerGateway: Int) {
        precondition(!actors.isEmpty, "a workload needs actors to write to")
        self.actors = actors
        self.gateways = gateways
        self.ledger = ledger
        self.clientsPerGateway = clientsPerGateway
    }

    /// The number of clients.
    var clients: Int { gateways.clients.count * clientsPerGateway }

    /// The writes acknowledged so far, the first writes included.
    var acknowledged: Int { ledger.acknowledged }

    /// Starts the clients.
    func start() {
        for client in 0..<clients {
            running.enter()
            let thread = Thread { [self] in
                write(preferring: client % gateways.clients.count)
                running.leave()
            }
            thread.name = "dna-demo-client"
            thread.start()
        }
    }

    /// Stops the clients and waits until each has had its last answer; calling it again does nothing more.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        running.wait()
    }

    /// Stops writing to `actors` until each is brought back with ``bringBack(_:)``.
    func setAside(_ actors: some Sequence<DemoActor>) {
        setAside.withLock { $0.formUnion(actors) }
    }

    /// Writes to `actor` again.
    func bringBack(_ actor: DemoActor) {
        setAside.withLock { _ = $0.remove(actor) }
    }

    private func write(preferring gateway: Int) {
        var turn = 0
        while !stopping.load(ordering: .relaxed) {
            turn += 1
            let client = gateways.client(preferring: gateway, turn: turn)
            guard let actor = pick() else {
                Thread.sleep(forTimeInterval: Self.pauseAfterFailure)
                continue
            }

            if !Self.write(to: actor, through: client, ledger: ledger, timeout: Self.callTimeout) {
                Thread.sleep(forTimeInterval: Self.pauseAfterFailure)
            }
        }
    }

    /// An actor at random among those not set aside; `nil` when a few draws found only set-aside ones.
    private func pick() -> DemoActor? {
        let setAside = self.setAside.withLock { $0 }
        for _ in 0..<8 {
            let actor = actors[Int.random(in: actors.indices)]
            if !setAside.contains(actor) {
                return actor
            }
        }
        return nil
    }

    /// Sends one write to `actor` and notes it in `ledger`: a counter add of 1 to 9, or a put of a new item.
    ///
    /// - Returns: Whether a gateway acknowledged it.
    /// - Important: Blocks until the answer or `timeout` and a second more.
    static func write(
        to actor: DemoActor,
        through client: GatewayClient,
        ledger: WriteLedger,
        timeout: Duration
    ) -> Bool {
        switch actor.kind {
        case .counter:
            let amount = Int64.random(in: 1...9)
            ledger.willAdd(amount, to: actor.key)
            guard (try? client.add(amount, to: actor.key, timeout: timeout)) != nil else {
                ledger.didFail()
                return false
            }
            ledger.didAdd(amount, to: actor.key)

        case .kv:
            let item = ledger.newItem()
            let value = "\(item)@\(client.address)"
            ledger.willPut()
            guard (try? client.put(value, at: item, in: actor.key, timeout: timeout)) != nil else {
                ledger.didFail()
                return false
            }
            ledger.didPut(value, at: item, in: actor.key)
        }
        return true
    }
}
