/// A value that may travel between threads but is used only on one event
/// loop's thread.
///
/// Handlers are plain classes whose state belongs to their loop. Closures
/// that must be `@Sendable`, such as timers and jobs, capture a
/// `LoopConfined` wrapper instead of the handler itself.
public struct LoopConfined<Value>: @unchecked Sendable {
    // @unchecked: `storage` is reachable only through `value`, which traps unless called on `loop`'s thread.
    /// The loop whose thread may use the value.
    public let loop: EventLoop
    private let storage: Value

    /// Wraps `value`.
    ///
    /// - Parameters:
    ///   - value: The loop-confined value.
    ///   - loop: Its loop.
    /// - Important: Must be called on `loop`'s thread.
    public init(_ value: Value, loop: EventLoop) {
        precondition(loop.inEventLoop, "LoopConfined created off its loop")
        self.loop = loop
        self.storage = value
    }

    /// The wrapped value.
    ///
    /// - Important: Traps unless called on ``loop``'s thread.
    public var value: Value {
        precondition(loop.inEventLoop, "LoopConfined used off its loop")
        return storage
    }
}
