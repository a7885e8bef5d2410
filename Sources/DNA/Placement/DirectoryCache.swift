import Synchronization

/// What this node last learned of the directory: the owner of each name it routed recently.
///
/// An entry is a hint, not the truth: it is dropped when the owner answers "not here", when a call to it fails
/// for want of a connection, when a flush is fenced, and when the node rejoins. The cache is bounded; beyond
/// its capacity it starts afresh, which costs one store read per name.
final class DirectoryCache: Sendable {
    private let entries = Mutex<[ActorName: Ownership]>([:])
    private let capacity: Int

    init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    func owner(of name: ActorName) -> Ownership? {
        entries.withLock { $0[name] }
    }

    func remember(_ owner: Ownership, for name: ActorName) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[name] == nil {
                entries.removeAll(keepingCapacity: true)
            }
            entries[name] = owner
        }
    }

    /// Drops the entry of `name` if it is still `stale`, so that a newer one learned meanwhile stays.
    func forget(_ name: ActorName, ifStill stale: Ownership) {
        entries.withLock { entries in
            if entries[name] == stale {
                entries[name] = nil
            }
        }
    }

    /// Drops the entry of `name`.
    func forget(_ name: ActorName) {
        _ = entries.withLock { $0.removeValue(forKey: name) }
    }

    func removeAll() {
        entries.withLock { $0.removeAll() }
    }
}
