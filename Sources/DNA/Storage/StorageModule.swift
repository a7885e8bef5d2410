/// What every storage module of an actor instance offers to the runtime.
///
/// The runtime asks each module for its staged writes when a batch ends, flushes the writes of all modules in
/// one atomic unit, then tells each module whether the flush succeeded. While that flush is in flight the next
/// batch may already stage new writes: a module keeps the flushing writes apart from the newly staged ones, and
/// its reads see both. More module kinds (a log, a queue) fit the same protocol.
protocol StorageModule: AnyObject {
    /// The module's name, unique within the instance.
    var moduleName: String { get }

    /// Whether the module holds staged writes that no flush has taken yet.
    var hasStagedWrites: Bool { get }

    /// Moves the staged writes into the flushing set and appends them to `writes`.
    ///
    /// Reads keep seeing them until ``didFlush()`` folds them into what the module knows of the store, or
    /// ``discardStaged()`` drops them. At most one flush per module is in flight.
    func beginFlush(into writes: inout [StoredWrite])

    /// The flushing writes are durable: fold them into what the module knows of the store.
    func didFlush()

    /// Drops the staged and the flushing writes; the instance restarts from durable state.
    func discardStaged()
}
