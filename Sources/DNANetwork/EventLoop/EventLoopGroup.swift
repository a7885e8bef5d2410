import Synchronization

/// A fixed set of event loops that share the work of many connections.
///
/// Listeners spread accepted connections over the group's loops with
/// ``next()``.
public final class EventLoopGroup: Sendable {
    /// The loops, each with its own thread.
    public let loops: [EventLoop]

    private let cursor = Atomic<UInt>(0)

    /// Creates `loopCount` loops and starts their threads.
    ///
    /// - Parameters:
    ///   - loopCount: How many loops (threads); at least one.
    ///   - busyPoll: How long each loop polls before it sleeps after sending a request or reply (see
    ///     ``EventLoop``).
    /// - Throws: ``NetworkError`` when a loop cannot be created; loops created
    ///   before the failure are shut down.
    public init(loopCount: Int, busyPoll: Duration = .zero) throws(NetworkError) {
        precondition(loopCount > 0, "an EventLoopGroup needs at least one loop")

        var loops: [EventLoop] = []
        do {
            for index in 0..<loopCount {
                loops.append(try EventLoop(name: "dna-loop-\(index)", busyPoll: busyPoll))
            }
        } catch {
            for loop in loops {
                loop.shutdown()
            }
            throw error
        }
        self.loops = loops
    }

    /// Returns the loops in turn (round robin).
    ///
    /// - Important: Callable from any thread.
    public func next() -> EventLoop {
        let ticket = cursor.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[Int(ticket % UInt(loops.count))]
    }

    /// Shuts every loop down and joins their threads.
    ///
    /// - Important: Blocks; must not be called on one of the group's loops.
    public func shutdown() {
        for loop in loops {
            loop.shutdown()
        }
    }

    /// Shuts every loop down, joining the threads off the cooperative pool.
    public func shutdown() async {
        for loop in loops {
            await loop.shutdown()
        }
    }
}
