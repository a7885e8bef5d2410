/// Something registered with an event loop's epoll instance: a connection,
/// a listener or a pending connect.
///
/// - Important: Every method is called on the loop thread.
protocol LoopSelectable: AnyObject {
    /// Handles the epoll event bits reported for the registered descriptor.
    func handleEvents(_ events: UInt32)

    /// Closes the descriptor because the loop is shutting down.
    func loopIsShuttingDown()
}

/// The epoll event bits DNANetwork uses, as plain integers.
enum EpollEvents {
    static let readable: UInt32 = 0x001
    static let writable: UInt32 = 0x004
    static let error: UInt32 = 0x008
    static let hangUp: UInt32 = 0x010
}
