/// What every storage module of an actor instance offers to the runtime.
///
/// The runtime asks each module for its staged writes when a batch ends, flushes the writes of all modules in
/// one atomic unit, then tells each module whether the flush succeeded. More module kinds (a log, a queue) fit
/// the same protocol.
protocol StorageModule: AnyObject {
    /// The module's name, unique within the instance.
    var moduleName: String { get }

    /// Whether the module holds writes that are not yet flushed.
    var hasStagedWrites: Bool { get }

    /// Appends the staged writes to `writes`; they stay staged until ``didFlush()`` or ``discardStaged()``.
    func collectStaged(into writes: inout [StoredWrite])

    /// The staged writes are durable: fold them into what the module knows of the store.
    func didFlush()

    /// Drops the staged writes; a failed batch's writes are never flushed.
    func discardStaged()
}
