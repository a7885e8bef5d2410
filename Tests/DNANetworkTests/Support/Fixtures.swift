import Synchronization

@testable import DNANetwork

/// Runs `body` with a fresh event-loop group and shuts it down afterwards,
/// also when `body` throws.
func withLoopGroup<Result>(
    loops: Int = 2,
    _ body: (EventLoopGroup) async throws -> Result
) async throws -> Result {
    let group = try EventLoopGroup(loopCount: loops)
    do {
        let result = try await body(group)
        await group.shutdown()
        return result
    } catch {
        await group.shutdown()
        throw error
    }
}

/// Collects what one connection receives and how it ends.
final class RecordingHandler: TCPConnectionHandler, Sendable {
    struct Record: Sendable {
        var bytes: [UInt8] = []
        var closeReason: TCPCloseReason?
        var writabilityChanges: [Bool] = []
        var connection: TCPConnection?
    }

    let record = Watched(Record())
    let pausesOnStart: Bool

    init(pausesOnStart: Bool = false) {
        self.pausesOnStart = pausesOnStart
    }

    func connectionDidBecomeActive(_ connection: TCPConnection) {
        if pausesOnStart {
            connection.pauseReading()
        }
        record.update { $0.connection = connection }
    }

    func connection(_ connection: TCPConnection, didRead buffer: inout ByteBuffer) {
        let bytes = buffer.bytes
        buffer.clear()
        record.update { $0.bytes.append(contentsOf: bytes) }
    }

    func connection(_ connection: TCPConnection, didChangeWritability isWritable: Bool) {
        record.update { $0.writabilityChanges.append(isWritable) }
    }

    func connection(_ connection: TCPConnection, didCloseWith reason: TCPCloseReason) {
        record.update { $0.closeReason = reason }
    }
}

/// Sends every received byte straight back.
final class EchoHandler: TCPConnectionHandler {
    func connection(_ connection: TCPConnection, didRead buffer: inout ByteBuffer) {
        connection.write(buffer.bytes)
        buffer.clear()
    }
}

/// Collects the frames one connection receives.
final class FrameRecorder: FrameReceiver, Sendable {
    struct Record: Sendable {
        var frames: [[UInt8]] = []
        var closeReason: TCPCloseReason?
    }

    let record = Watched(Record())

    func connection(_ connection: TCPConnection, didReceiveFrame frame: ByteBuffer) {
        let bytes = frame.bytes
        record.update { $0.frames.append(bytes) }
    }

    func connection(_ connection: TCPConnection, didCloseWith reason: TCPCloseReason) {
        record.update { $0.closeReason = reason }
    }
}

/// Hands the server-side connections a listener accepts to the test.
final class AcceptedConnections: Sendable {
    let accepted = Watched([TCPConnection]())

    func add(_ connection: TCPConnection) {
        accepted.update { $0.append(connection) }
    }

    func first() async throws -> TCPConnection {
        try await accepted.wait { !$0.isEmpty }[0]
    }
}

/// Runs `body` on `count` new OS threads at once and waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<count {
            group.addTask {
                try await ThreadLauncher.runBlocking(name: "test-\(index)") {
                    body(index)
                }
            }
        }
        try await group.waitForAll()
    }
}
