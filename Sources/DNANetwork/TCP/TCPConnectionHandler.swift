/// Receives the events of one ``TCPConnection``.
///
/// A handler belongs to its connection's event loop: every method is called
/// on that loop's thread, one at a time, so the handler may keep plain
/// mutable state. Only ``connection(_:didRead:)`` must be implemented.
///
/// - Important: Methods run on the loop thread and must not block or wait.
///   Hand slow work to a task or thread and come back with
///   ``EventLoop/execute(_:)`` or ``TCPConnection/write(_:)``.
public protocol TCPConnectionHandler: AnyObject {
    /// The connection is registered and ready; called once, first.
    ///
    /// - Parameter connection: The connection.
    func connectionDidBecomeActive(_ connection: TCPConnection)

    /// Bytes arrived.
    ///
    /// `buffer` accumulates: bytes the handler leaves unconsumed (an
    /// incomplete frame, say) are still at its front on the next call, with
    /// the new bytes after them.
    ///
    /// - Parameters:
    ///   - connection: The connection.
    ///   - buffer: Every received byte not yet consumed.
    func connection(_ connection: TCPConnection, didRead buffer: inout ByteBuffer)

    /// Queued output crossed the high-water mark (`false`) or fell back below
    /// the low-water mark (`true`).
    ///
    /// - Parameters:
    ///   - connection: The connection.
    ///   - isWritable: Whether producers should go on writing.
    func connection(_ connection: TCPConnection, didChangeWritability isWritable: Bool)

    /// The connection closed; called once, last. The descriptor is already closed.
    ///
    /// - Parameters:
    ///   - connection: The connection.
    ///   - reason: Why it closed.
    func connection(_ connection: TCPConnection, didCloseWith reason: TCPCloseReason)
}

extension TCPConnectionHandler {
    /// Does nothing.
    public func connectionDidBecomeActive(_ connection: TCPConnection) {}

    /// Does nothing.
    public func connection(_ connection: TCPConnection, didChangeWritability isWritable: Bool) {}

    /// Does nothing.
    public func connection(_ connection: TCPConnection, didCloseWith reason: TCPCloseReason) {}
}
