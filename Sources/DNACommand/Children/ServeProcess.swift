import Dispatch
import Foundation
import Synchronization

/// One `dna serve` child of the demo: its standard error goes to a log file, its ready line is awaited on its
/// standard output, and its exit is noticed.
///
/// The child's standard input is a pipe whose write end only this process holds: however the demo ends, even
/// by SIGKILL, the child then reads end of file and drains (`dna serve --exit-on-stdin-close`).
final class ServeProcess: Sendable {
    /// How a child ended.
    enum Exit: Equatable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signalled(let number): "killed by signal \(number)"
            }
        }
    }

    private struct State: Sendable {
        var started = false
        var ready: ReadyLine?
        var exit: Exit?

        /// Whether the child was started and has not been reaped: only then does its pid name it.
        var isRunning: Bool { started && exit == nil }

        /// Keeps the first ready line; returns whether `line` was it.
        mutating func setReady(_ line: ReadyLine) -> Bool {
            guard ready == nil else {
                return false
            }
            ready = line
            return true
        }
    }

    /// The node's number for people, from 1.
    let number: Int
    let logPath: String
    private let process: Process
    private let input = Pipe()
    private let output = Pipe()
    private let state = Mutex(State())
    private let readiness = DispatchSemaphore(value: 0)
    private let termination = DispatchSemaphore(value: 0)

    init(number: Int, executable: String, arguments: [String], environment: [String: String], logPath: String) {
        self.number = number
        self.logPath = logPath
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
    }

    /// Starts the child.
    ///
    /// - Throws: When the log file cannot be created or the executable cannot be started.
    func start() throws {
        guard FileManager.default.createFile(atPath: logPath, contents: nil),
            let log = FileHandle(forWritingAtPath: logPath)
        else {
            throw DemoError("cannot create the log file \(logPath)")
        }
        process.standardError = log

        // Weak: the process holds its handler, and the handler must not hold the process's owner.
        process.terminationHandler = { [weak self] process in
            let exit: Exit =
                process.terminationReason == .exit
                ? .exited(process.terminationStatus) : .signalled(process.terminationStatus)
            self?.state.withLock { $0.exit = exit }
            self?.termination.signal()
        }

        try process.run()
        state.withLock { $0.started = true }
        // The child has its own descriptor for the log now.
        try? log.close()
        readOutput()
    }

    /// The child's process id.
    var pid: Int32 { process.processIdentifier }

    /// Waits for the ready line.
    ///
    /// - Throws: ``DemoError`` when the child ends its output first or `timeout` passes.
    func waitUntilReady(timeout: Duration) throws(DemoError) -> ReadyLine {
        let signalled = readiness.wait(timeout: .now() + timeout.inSeconds) == .success
        let current = state.withLock { $0 }
        if let ready = current.ready {
            return ready
        }
        guard signalled else {
            throw DemoError("node \(number) printed no ready line within \(timeout.secondsText)")
        }
        let exit = waitForExit(timeout: .seconds(2)).map { " and \($0)" } ?? ""
        throw DemoError("node \(number) closed its output before it was ready\(exit)")
    }

    /// Sends `signal` to the child while it runs.
    ///
    /// Never before it started (its pid is 0 then, and `kill(0, …)` would hit the whole process group) nor once
    /// reaped (its pid may name another process by then).
    func send(_ signal: Int32) {
        guard state.withLock({ $0.isRunning }) else {
            return
        }
        kill(process.processIdentifier, signal)
    }

    /// How the child ended; `nil` when it still runs after `timeout`, or never started.
    func waitForExit(timeout: Duration) -> Exit? {
        let current = state.withLock { $0 }
        guard current.started, current.exit == nil else {
            return current.exit
        }
        guard termination.wait(timeout: .now() + timeout.inSeconds) == .success else {
            return nil
        }
        // Leave the signal for whoever waits next.
        termination.signal()
        return state.withLock { $0.exit }
    }

    /// The last lines of the child's standard error.
    func logTail(lines count: Int) -> [String] {
        guard let data = FileManager.default.contents(atPath: logPath) else {
            return []
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        return lines.suffix(count).map(String.init)
    }

    /// Reads the child's standard output on a thread of its own until it closes, catching the ready line.
    ///
    /// The pipe is drained to the end so that the child can never block on a full pipe.
    private func readOutput() {
        let descriptor = output.fileHandleForReading.fileDescriptor
        let thread = Thread { [self] in
            var pending: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                // A plain read returns what is there; FileHandle's reads wait for a full buffer or the end.
                let count = read(descriptor, &chunk, chunk.count)
                if count < 0 && errno == EINTR {
                    continue
                }
                guard count > 0 else {
                    break
                }
                pending += chunk[..<count]
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    if let ready = ReadyLine(line), state.withLock({ $0.setReady(ready) }) {
                        readiness.signal()
                    }
                }
            }
            // End of output: a waiter that finds no ready line knows the child will not print one.
            readiness.signal()
        }
        thread.name = "dna-demo-output"
        thread.start()
    }
}

/// The demo could not run to its checks: a node did not start, or the cluster did not form.
struct DemoError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
