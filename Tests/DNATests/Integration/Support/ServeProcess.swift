import Foundation
import Synchronization

@testable import DNA

/// One `dna serve` child process of an integration test.
///
/// Its standard error goes straight to a file, so that nothing it logged is lost when it is killed; its standard
/// output is read for the ready line. Signals go to its pid only while it runs. It is started through
/// ``Spawner``, so that it dies with the test process however that ends.
final class ServeProcess: Sendable {
    /// What the node printed once it was ready: `ready node=<id> listen=<host:port> http=<host:port>`.
    struct Ready: Sendable, Equatable {
        var node: String
        var listen: String
        var http: String

        init?(line: String) {
            let fields = line.split(separator: " ")
            guard fields.first == "ready" else {
                return nil
            }
            var values: [String: String] = [:]
            for field in fields.dropFirst() {
                let parts = field.split(separator: "=", maxSplits: 1)
                if parts.count == 2 {
                    values[String(parts[0])] = String(parts[1])
                }
            }
            guard let node = values["node"], let listen = values["listen"], let http = values["http"] else {
                return nil
            }
            self.node = node
            self.listen = listen
            self.http = http
        }
    }

    /// How the process ended.
    struct Exit: Sendable, Equatable, CustomStringConvertible {
        var status: Int32
        var bySignal: Bool

        var description: String { bySignal ? "killed by signal \(status)" : "exit status \(status)" }
    }

    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    private enum Startup: Sendable {
        case ready(Ready)
        case failed(String)
    }

    /// The process's place in its cluster, from 0.
    let index: Int
    let arguments: [String]
    let logPath: String
    let pid: Int32
    let ready: Ready
    /// The wall-clock time just before the process was launched, in milliseconds.
    let launchedAt: Int64
    private let exit: Promise<Exit>

    private init(
        index: Int,
        arguments: [String],
        logPath: String,
        pid: Int32,
        ready: Ready,
        launchedAt: Int64,
        exit: Promise<Exit>
    ) {
        self.index = index
        self.arguments = arguments
        self.logPath = logPath
        self.pid = pid
        self.ready = ready
        self.launchedAt = launchedAt
        self.exit = exit
    }

    /// Starts `executable` and returns once it printed its ready line.
    ///
    /// - Throws: ``StartFailure`` when it exits first or says nothing within `readyWithin`; it is killed then.
    static func start(
        index: Int,
        executable: String,
        arguments: [String],
        environment: [String: String],
        logPath: String,
        readyWithin timeout: Duration
    ) async throws -> ServeProcess {
        guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
            throw StartFailure(description: "cannot create the log file \(logPath)")
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let output = Pipe()
        let startup = Promise<Startup>()
        let exit = Promise<Exit>()

        let process = Process()
        let (program, programArguments) = Spawner.command(executable, arguments)
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = programArguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = log
        process.terminationHandler = { process in
            let bySignal = process.terminationReason == .uncaughtSignal
            let ended = Exit(status: process.terminationStatus, bySignal: bySignal)
            exit.fulfil(ended)
            startup.fulfil(.failed("it ended (\(ended)) before it was ready"))
        }
        let lines = LineCollector { line in
            if let ready = Ready(line: line) {
                startup.fulfil(.ready(ready))
            }
        }
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
            } else {
                lines.append(data)
            }
        }

        let launchedAt = WallClock.nowMillis()
        try await Spawner.run(process)
        // The child holds its own descriptor of the log; the parent's copy is not needed.
        try? log.close()

        switch await startup.value(within: timeout) {
        case .ready(let ready)?:
            return ServeProcess(
                index: index,
                arguments: arguments,
                logPath: logPath,
                pid: process.processIdentifier,
                ready: ready,
                launchedAt: launchedAt,
                exit: exit
            )
        case .failed(let reason)?:
            throw StartFailure(description: "node \(index) did not start: \(reason)\n\(tail(of: logPath))")
        case nil:
            kill(process.processIdentifier, SIGKILL)
            _ = await exit.value(within: .seconds(10))
            throw StartFailure(description: "node \(index) printed no ready line in \(timeout)\n\(tail(of: logPath))")
        }
    }

    /// Sends `signal` to the process, unless it has ended (its pid may belong to another process by then).
    func send(_ signal: Int32) {
        guard exit.current == nil else {
            return
        }
        kill(pid, signal)
    }

    /// Whether the process has ended.
    var hasExited: Bool {
        exit.current != nil
    }

    /// How the process ended, or `nil` when it still runs after `timeout`.
    func waitForExit(within timeout: Duration) async -> Exit? {
        await exit.value(within: timeout)
    }

    /// Everything the process wrote to standard error so far.
    var log: String {
        let data = FileManager.default.contents(atPath: logPath) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The last lines of a log file, for failure messages.
    static func tail(of path: String, lines: Int = 60) -> String {
        let data = FileManager.default.contents(atPath: path) ?? Data()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

/// Splits bytes that arrive in chunks into lines and hands each complete line on.
private final class LineCollector: Sendable {
    private let pending = Mutex<[UInt8]>([])
    private let onLine: @Sendable (String) -> Void

    init(onLine: @escaping @Sendable (String) -> Void) {
        self.onLine = onLine
    }

    func append(_ data: Data) {
        let complete = pending.withLock { pending -> [String] in
            pending.append(contentsOf: data)
            var lines: [String] = []
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(String(decoding: pending[..<newline], as: UTF8.self))
                pending.removeSubrange(...newline)
            }
            return lines
        }
        for line in complete {
            onLine(line)
        }
    }
}
