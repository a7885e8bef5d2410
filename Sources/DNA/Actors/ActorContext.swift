/// What an actor instance is given when it starts: its name, its storage modules and its timers.
///
/// One context lives as long as one incarnation of the instance (a restart makes a new one).
public final class ActorContext {
    /// The actor's name.
    public let name: ActorName

    /// The fencing epoch of the claim this instance runs under.
    public let epoch: Int64

    /// The node running the instance.
    public let nodeID: NodeID

    /// A logger with the actor's name in its metadata.
    public let logger: Logger

    private let store: any KeyValueStore
    private let limits: StorageLimits
    private let cacheLimit: Int
    private let timers: TimerScheduler?
    private(set) var modules: [any StorageModule] = []

    init(
        name: ActorName,
        ownership: Ownership,
        store: any KeyValueStore,
        limits: StorageLimits,
        cacheLimit: Int,
        logger: Logger,
        timers: TimerScheduler?
    ) {
        self.name = name
        self.epoch = ownership.epoch
        self.nodeID = ownership.node
        self.store = store
        self.limits = limits
        self.cacheLimit = cacheLimit
        self.logger = logger
        self.timers = timers
    }

    /// The key-value storage module of the given name, created on first use.
    ///
    /// Module names separate an actor's data into independent key spaces. Asking twice for one name returns
    /// the same module. A name longer than ``StorageLimits/maxModuleNameBytes`` makes every operation of the
    /// module throw ``DNAError/Code/limitExceeded``.
    public func keyValue(_ module: String) -> KeyValueStorage {
        if let existing = modules.first(where: { $0.moduleName == module }) as? KeyValueStorage {
            return existing
        }
        let storage = KeyValueStorage(
            name: name,
            module: module,
            store: store,
            limits: limits,
            cacheLimit: cacheLimit
        )
        modules.append(storage)
        return storage
    }

    /// Delivers ``InfoEvent/timer(_:)`` with `label` to the actor after `delay`.
    ///
    /// Setting a timer with a label that is already set replaces it. Timers are local and not persisted: they
    /// end when the instance stops or restarts.
    public func setTimer(_ label: String, after delay: Duration) {
        timers?.set(label, after: delay)
    }

    /// Cancels the timer with `label`, if one is set.
    public func cancelTimer(_ label: String) {
        timers?.cancel(label)
    }

    var hasStagedWrites: Bool {
        modules.contains { $0.hasStagedWrites }
    }
}
