/// A backend that keeps a cluster's membership rows, its directory of actor owners and its actors' data.
///
/// Every method may be called concurrently from many tasks. Implementations never block the calling thread:
/// blocking drivers run their calls on threads of their own.
///
/// The conformance suite in the test target states the contract in executable form; a new backend passes it.
public protocol Store: MembershipStore, DirectoryStore, KeyValueStore {
    /// A short description for logs and benchmark output, without credentials (`"sqlite:/tmp/dna.db"`).
    var description: String { get }

    /// Releases the backend's connections and threads. Calls made after `close()` fail.
    func close() async
}

/// The membership part of the store contract: one heartbeat row per live node.
public protocol MembershipStore: Sendable {
    /// Inserts or replaces the row of `member.node` in `member.cluster`.
    func upsertMember(_ member: MemberRecord) async throws

    /// Lists every row of a cluster, in no particular order.
    func listMembers(cluster: String) async throws -> [MemberRecord]

    /// Deletes the row of a node, if present.
    func deleteMember(cluster: String, node: NodeID) async throws
}

/// The directory part of the store contract: who owns each actor name, with a fencing epoch.
///
/// Every operation is conditional and atomic, and returns what the store holds after it. Where ownership is
/// decided, implementations read with the strongest consistency they offer. A released name keeps its row
/// (with no owner) so that its epoch keeps rising across owners.
public protocol DirectoryStore: Sendable {
    /// The current owner of a name, or `nil` when nobody owns it.
    func owner(of name: ActorName) async throws -> Ownership?

    /// Claims a name for `node` if nobody owns it, raising its epoch.
    ///
    /// - Returns: The owner after the operation: `node` with the new epoch when the claim won, the existing
    ///   owner otherwise.
    func claim(_ name: ActorName, for node: NodeID) async throws -> Ownership

    /// Moves a name from `previous` to `node`, raising its epoch, only if `previous` still owns it.
    ///
    /// - Returns: The owner after the operation, or `nil` when nobody owns the name (claim it instead).
    func reclaim(_ name: ActorName, from previous: NodeID, to node: NodeID) async throws -> Ownership?

    /// Gives up `node`'s ownership of a name, if it still holds it. The epoch is kept.
    ///
    /// - Returns: Whether `node` owned the name.
    @discardableResult
    func release(_ name: ActorName, owner node: NodeID) async throws -> Bool

    /// Whether a claim costs about what a read of the owner costs.
    ///
    /// The runtime then claims a name it knows nothing of at once, when the placement would pick this node
    /// anyway, instead of reading its owner first. A backend whose claims take a lock that reads do not (a
    /// single writer, a consensus round) leaves it `false`, the default.
    var claimsAreCheap: Bool { get }
}

extension DirectoryStore {
    public var claimsAreCheap: Bool { false }
}

/// The key-value part of the store contract: the items that actors' storage modules keep.
///
/// Items are addressed by actor name, module and item key, and ordered by the UTF-8 bytes of their keys.
public protocol KeyValueStore: Sendable {
    /// Reads one item.
    func get(_ name: ActorName, module: String, key: String) async throws -> [UInt8]?

    /// Lists items of one module in key order.
    func list(_ name: ActorName, module: String, query: ListQuery) async throws -> [StoredItem]

    /// Applies the writes of one flush atomically, only if `fence` still owns the name with that epoch.
    ///
    /// `writes` holds at most one write per (module, key), sorted by module then key when the backend
    /// ``prefersSortedWrites``; the outcome must not depend on their order.
    ///
    /// - Throws: A ``DNAError`` with code ``DNAError/Code/fenced`` when the name's owner or epoch moved on,
    ///   ``DNAError/Code/storeUnavailable`` when the store failed; in both cases nothing was written.
    func mutate(_ name: ActorName, fence: Ownership, writes: [StoredWrite]) async throws

    /// Whether the runtime should hand each flush's writes over sorted by module, then key.
    ///
    /// A B-tree backend applies sorted writes faster (each page is touched once, in sequence); the runtime then
    /// sorts on the actor's side, off the backend's writer. The default is `false`.
    var prefersSortedWrites: Bool { get }
}

extension KeyValueStore {
    public var prefersSortedWrites: Bool { false }
}

/// The owner of an actor name and the epoch of its claim.
public struct Ownership: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The owning node.
    public var node: NodeID

    /// The fencing token: it rises with every claim of the name.
    public var epoch: Int64

    /// Creates an ownership record.
    public init(node: NodeID, epoch: Int64) {
        self.node = node
        self.epoch = epoch
    }

    public var description: String { "\(node)@\(epoch)" }
}

/// One stored item: its key within its module, and its value.
public struct StoredItem: Sendable, Hashable {
    /// The item's key.
    public var key: String

    /// The item's value.
    public var value: [UInt8]

    /// Creates an item.
    public init(key: String, value: [UInt8]) {
        self.key = key
        self.value = value
    }
}

/// One write of a flush: set an item's value, or delete it when `value` is `nil`.
public struct StoredWrite: Sendable, Hashable {
    /// The storage module the item belongs to.
    public var module: String

    /// The item's key.
    public var key: String

    /// The new value, or `nil` to delete the item.
    public var value: [UInt8]?

    /// Creates a write.
    public init(module: String, key: String, value: [UInt8]?) {
        self.module = module
        self.key = key
        self.value = value
    }
}
