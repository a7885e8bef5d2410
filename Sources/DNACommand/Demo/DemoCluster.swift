import Foundation
import Synchronization

/// The demo's `dna serve` children, started on one SQLite file; it kills whatever still runs when asked, from
/// any thread, so that no exit path leaves a node behind.
final class DemoCluster: Sendable {
    /// A started node and what its ready line said.
    struct Member: Sendable {
        var process: ServeProcess
        var ready: ReadyLine
    }

    /// How long a node may take to print its ready line.
    private static let startTimeout: Duration = .seconds(30)

    let directory: DemoDirectory
    private let processes = Mutex<[ServeProcess]>([])

    init(directory: DemoDirectory) {
        self.directory = directory
    }

    /// Starts `count` nodes at once and waits for each one's ready line.
    ///
    /// - Throws: ``DemoError`` when a node cannot start or does not get ready in time.
    func start(count: Int, settings: DemoSettings) throws -> [Member] {
        // The nodes run the same `dna` as the demo.
        let executable = CommandLine.executablePath
        let environment = Self.childEnvironment()

        var started: [ServeProcess] = []
        for number in 1...count {
            let process = ServeProcess(
                number: number,
                executable: executable,
                arguments: serveArguments(settings),
                environment: environment,
                logPath: directory.logPath(node: number)
            )
            // Registered before it starts, so that an interruption from now on kills it too.
            processes.withLock { $0.append(process) }
            try process.start()
            started.append(process)
        }

        return try started.map { process in
            Member(process: process, ready: try process.waitUntilReady(timeout: Self.startTimeout))
        }
    }

    /// Every node started so far.
    var all: [ServeProcess] {
        processes.withLock { $0 }
    }

    /// Kills every node that still runs with SIGKILL and waits until each is gone.
    func killAll() {
        let processes = all
        for process in processes {
            process.send(SIGKILL)
        }
        for process in processes {
            _ = process.waitForExit(timeout: .seconds(5))
        }
    }

    private func serveArguments(_ settings: DemoSettings) -> [String] {
        [
            "serve",
            "--store", "sqlite:\(directory.storePath)",
            "--cluster", "demo",
            "--listen", "127.0.0.1:0",
            "--http", "127.0.0.1:0",
            "--lease-timeout", settings.leaseTimeout.flagText,
            "--heartbeat-interval", settings.heartbeatInterval.flagText,
            "--dead-margin", settings.deadMargin.flagText,
            "--placement", "local",
            "--log-level", "info",
            "--exit-on-stdin-close",
        ]
    }

    /// This process's environment without `DNA_` variables: the nodes take every setting from the flags the
    /// demo passes, not from a store or placement meant for another `dna serve`.
    private static func childEnvironment() -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DNA_") }
    }
}
