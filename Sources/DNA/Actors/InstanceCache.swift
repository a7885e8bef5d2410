import DNANetwork
import Synchronization

/// Where a handle's messages went last: the local instance, or the node that owns the actor, so that repeated
/// calls and casts through one handle skip the registry and the routing.
///
/// A cached instance that has begun stopping refuses events, and a remote route is dropped when a send on it
/// fails; the handle then resolves the name again.
final class InstanceCache<Actor: DurableActor>: Sendable {
    private enum Entry {
        case none
        case local(ActorInstance<Actor>)
        case remote(RemoteRoute)
    }

    private let entry = Mutex(Entry.none)

    /// The local instance reached last, if the actor runs here.
    var current: ActorInstance<Actor>? {
        entry.withLock { entry in
            if case .local(let instance) = entry {
                return instance
            }
            return nil
        }
    }

    /// The owner casts went to last, if the actor runs on another node.
    var remote: RemoteRoute? {
        entry.withLock { entry in
            if case .remote(let route) = entry {
                return route
            }
            return nil
        }
    }

    func remember(_ resolved: ActorInstance<Actor>) {
        entry.withLock { $0 = .local(resolved) }
    }

    func remember(remote route: RemoteRoute) {
        entry.withLock { $0 = .remote(route) }
    }

    /// Drops the remote route if it is still `stale`.
    func forget(remote stale: RemoteRoute) {
        entry.withLock { entry in
            if case .remote(let route) = entry, route === stale {
                entry = .none
            }
        }
    }
}

/// A cached way to the node that owns an actor, for casts: the owner, its address, and the routing header of
/// a cast to that actor, encoded once.
final class RemoteRoute: Sendable {
    let node: NodeID
    let address: String
    let castHeader: [UInt8]
    /// The transport's channel to the owner, looked up once.
    let peer: ClusterTransport.Peer?

    init(node: NodeID, address: String, name: ActorName, link: ClusterLink?) {
        self.node = node
        self.address = address
        self.peer = link?.peer(at: address)
        self.castHeader = ClusterMessage(kind: .cast, hops: 1, target: node, timeout: .zero, name: name, body: [])
            .encoded()
    }
}
