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
    ///
    /// Made on first use: most actors never log, and an idle actor should cost little memory.
    public var logger: Logger {
        if let made = madeLogger {
            return made.logger
        }
        let made = LoggerBox(instance.runtime.logger.child(label: "dna.actor", metadata: ["actor.name": "\(name)"]))
        madeLogger = made
        return made.logger
    }

    /// The instance the context belongs to: it delivers the timers and leads to the node's logger. The
    /// reference cycle through it ends with the incarnation, which drops the context.
    private let instance: any AnyInstance
    private let scope: StorageScope
    /// Boxed, so that a context whose actor never logs holds one reference instead of a whole logger.
    private var madeLogger: LoggerBox?
    /// Made when the actor sets its first timer.
    private var timers: TimerScheduler?
    private var timersEnded = false
    /// The storage modules in the order they were asked for: the first inline, as most actors have one.
    private var firstModule: (any StorageModule)?
    private var otherModules: [any StorageModule] = []

    init(name: ActorName, ownership: Ownership, instance: any AnyInstance, scope: StorageScope) {
        self.name = name
        self.epoch = ownership.epoch
        self.nodeID = ownership.node
        self.instance = instance
        self.scope = scope
    }

    /// The key-value storage module of the given name, created on first use.
    ///
    /// Module names separate an actor's data into independent key spaces. Asking twice for one name returns
    /// the same module. A name longer than ``StorageLimits/maxModuleNameBytes`` makes every operation of the
    /// module throw ``DNAError/Code/limitExceeded``.
    public func keyValue(_ module: String) -> KeyValueStorage {
        if let existing = firstModule, existing.moduleName == module, let storage = existing as? KeyValueStorage {
            return storage
        }
        if let existing = otherModules.first(where: { $0.moduleName == module }) as? KeyValueStorage {
            return existing
        }
        let storage = KeyValueStorage(name: name, module: module, scope: scope)
        if firstModule == nil {
            firstModule = storage
        } else {
            otherModules.append(storage)
        }
        return storage
    }

    /// Delivers ``InfoEvent/timer(_:)`` with `label` to the actor after `delay`.
    ///
    /// Setting a timer with a label that is already set replaces it. Timers are local and not persisted: they
    /// end when the instance stops or restarts.
    public func setTimer(_ label: String, after delay: Duration) {
        guard !timersEnded else {
            return
        }
        if timers == nil {
            timers = TimerScheduler { [instance] event in instance.info(event) }
        }
        timers?.set(label, after: delay)
    }

    /// Cancels the timer with `label`, if one is set.
    public func cancelTimer(_ label: String) {
        timers?.cancel(label)
    }

    /// Cancels every timer and refuses new ones: the incarnation ends.
    func cancelTimers() {
        timersEnded = true
        timers?.cancelAll()
    }

    /// Calls `body` with each storage module, in the order they were made.
    func forEachModule(_ body: (any StorageModule) -> Void) {
        guard let firstModule else {
            return
        }
        body(firstModule)
        for module in otherModules {
            body(module)
        }
    }

    var hasStagedWrites: Bool {
        guard let firstModule else {
            return false
        }
        return firstModule.hasStagedWrites || otherModules.contains { $0.hasStagedWrites }
    }
}

/// A logger held by reference.
private final class LoggerBox {
    let logger: Logger

    init(_ logger: Logger) {
        self.logger = logger
    }
}
