import DNA
import Foundation

/// A `dna serve` child process: started with the given options, ready once it printed its ready line.
///
/// Its standard error goes to a file, so that a failure can show the node's last log lines. Reading the
/// ready line blocks, so it runs on a thread of its own.
final class NodeProcess: @unchecked Sendable {
    // @unchecked: `process` is configured before `run()` and afterwards only signalled, which Process allows
    // from any thread; the other properties are immutable.
    let process: Process
    let logPath: String

    /// The node's id, transport address and gateway address from its ready line.
    let node: String
    let listen: String
    let http: String

    private init(process: Process, logPath: String, ready: [String: String]) {
        self.process = process
        self.logPath = logPath
        self.node = ready["node"] ?? ""
        self.listen = ready["listen"] ?? ""
        self.http = ready["http"] ?? ""
    }

    /// Starts `dna serve` with `arguments` and waits up to `timeout` for its ready line.
    ///
    /// - Throws: ``BenchmarkError`` when the process cannot start, exits, or prints no ready line in time.
    static func start(
        arguments: [String],
        environment: [String: String] = [:],
        logPath: String,
        timeout: Duration = .seconds(30)
    ) async throws -> NodeProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.executablePath)
        process.arguments = ["serve"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()

        let line = try await readLine(from: output.fileHandleForReading, within: timeout)
        guard let line, line.hasPrefix("ready ") else {
            process.terminate()
            throw BenchmarkError("a dna serve child did not get ready; see \(logPath)")
        }
        var fields: [String: String] = [:]
        for part in line.dropFirst("ready ".count).split(separator: " ") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 {
                fields[String(pair[0])] = String(pair[1])
            }
        }
        return NodeProcess(process: process, logPath: logPath, ready: fields)
    }

    /// Asks the node to drain and waits for it to exit.
    func stop() async {
        guard process.isRunning else {
            return
        }
        process.terminate()
        await Self.blocking { [process] in process.waitUntilExit() }
    }

    /// Kills the node at once (SIGKILL).
    func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
        }
    }

    /// Reads one line from a pipe on a thread of its own, giving up after `timeout`.
    private static func readLine(from handle: FileHandle, within timeout: Duration) async throws -> String? {
        let deadline = MonotonicInstant.now() + timeout
        return await blocking {
            var bytes: [UInt8] = []
            while MonotonicInstant.now() < deadline {
                let chunk = handle.availableData
                if chunk.isEmpty {
                    return nil
                }
                bytes.append(contentsOf: chunk)
                if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                    return String(decoding: bytes[..<newline], as: UTF8.self)
                }
            }
            return nil
        }
    }

    /// Runs blocking work on a new thread, never on the cooperative pool.
    static func blocking<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.start()
        }
    }
}

extension CommandLine {
    /// The path of the running executable, so that the command can start copies of itself.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arguments[0]
    }
}
