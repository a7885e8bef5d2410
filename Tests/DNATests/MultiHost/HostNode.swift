import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A `dna serve` process on one test host: started with `ip netns exec`, listening on the host's own address,
/// its standard output and its log in files.
final class HostNode: Sendable {
    /// How the nodes of the test run: the same for all of them.
    struct Settings: Sendable {
        var executable: String
        /// The `--store` flag: `postgres:` and the server's TCP connection string.
        var store: String
        var secretFile: String
        var heartbeat: Duration
        var lease: Duration
        var margin: Duration
    }

    let host: TestHosts.Host
    /// The identity in the ready line: the one the node first joined under.
    let firstID: String
    /// The gateway's `host:port`, from the ready line.
    let httpAddress: String
    private let logPath: String
    private let pid: pid_t
    private let exited: HostFlag
    /// Kept so that Foundation goes on watching the child and reaps it when it ends.
    private let process: Process
    /// The node's standard input, whose write end only this process holds: when the test process dies, even by
    /// SIGKILL, the node reads end of file and drains (`--exit-on-stdin-close`) instead of running on.
    private let input: Pipe

    /// The transport's port: fixed, since nothing else lives in the host's namespace, so that the node can
    /// advertise its address before it binds.
    static let transportPort = 7100

    /// The gateway, reached from the root namespace over the bridge.
    var gateway: HostGateway {
        HostGateway(address: httpAddress)
    }

    /// The gateway, reached from inside the node's own host: it works while the host is cut off.
    var gatewayFromInside: HostGateway {
        HostGateway(address: httpAddress, namespace: host.namespace)
    }

    private init(
        host: TestHosts.Host,
        ready: ReadyLine,
        logPath: String,
        process: Process,
        input: Pipe,
        exited: HostFlag
    ) {
        self.host = host
        self.firstID = ready.node
        self.httpAddress = ready.http
        self.logPath = logPath
        self.pid = process.processIdentifier
        self.process = process
        self.input = input
        self.exited = exited
    }

    /// The built `dna` executable, next to the test bundle (`swift build --build-tests` puts both there).
    static func executable() throws -> String {
        let bundle = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        let path = bundle.deletingLastPathComponent().appendingPathComponent("dna").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HostTestFailure(
                "no dna executable at \(path), next to the test bundle: run swift build --build-tests"
            )
        }
        return path
    }

    /// Starts a node on `host` and waits for its ready line.
    static func start(
        on host: TestHosts.Host,
        _ settings: Settings,
        logs: TemporaryDirectory
    ) async throws -> HostNode {
        let outputPath = logs.path("\(host.namespace).out")
        let logPath = logs.path("\(host.namespace).log")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ipCommand())
        process.arguments = ["netns", "exec", host.namespace, settings.executable] + arguments(host, settings)
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = try HostProcess.outputFile(outputPath)
        process.standardError = try HostProcess.outputFile(logPath)
        let exited = HostFlag()
        process.terminationHandler = { _ in exited.set() }
        try process.run()
        // `ip netns exec` enters the namespace and execs the command, so this is the node's own process id.
        let pid = process.processIdentifier

        var ready: ReadyLine?
        _ = try await eventually(within: .seconds(30), every: .milliseconds(20)) {
            ready = ReadyLine(try await read(outputPath))
            return ready != nil || exited.isSet
        }
        guard let ready else {
            if !exited.isSet {
                kill(pid, SIGKILL)
            }
            throw HostTestFailure("the node on \(host) did not get ready:\n\(try await read(logPath))")
        }
        return HostNode(host: host, ready: ready, logPath: logPath, process: process, input: input, exited: exited)
    }

    /// Whether the process has ended.
    var hasExited: Bool {
        exited.isSet
    }

    /// Asks the node to drain (SIGTERM) and waits for it to end; kills it when it takes longer than `timeout`.
    func stop(within timeout: Duration = .seconds(10)) async {
        guard !hasExited else {
            return
        }
        kill(pid, SIGTERM)
        if !(await eventually(within: timeout, every: .milliseconds(20)) { hasExited }) {
            kill(pid, SIGKILL)
        }
    }

    /// What the node logged so far.
    func log() async -> String {
        (try? await Self.read(logPath)) ?? "(no log)"
    }

    // MARK: Starting

    private static func arguments(_ host: TestHosts.Host, _ settings: Settings) -> [String] {
        [
            "serve",
            "--exit-on-stdin-close",
            "--store", settings.store,
            "--cluster", "hosts",
            // Every interface of the host, which needs --advertise: the address peers are to use.
            "--listen", "0.0.0.0:\(transportPort)",
            "--advertise", "\(host.address):\(transportPort)",
            "--http", "\(host.address):0",
            "--secret-file", settings.secretFile,
            "--heartbeat-interval", milliseconds(settings.heartbeat),
            "--lease-timeout", milliseconds(settings.lease),
            "--dead-margin", milliseconds(settings.margin),
        ]
    }

    private static func milliseconds(_ duration: Duration) -> String {
        "\(Int64((duration / .milliseconds(1)).rounded()))ms"
    }

    private static func ipCommand() throws -> String {
        if let found = ChildProcess.find("ip") {
            return found
        }
        for path in ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        throw HostTestFailure("the ip command (iproute2) is not installed")
    }

    /// Reads a small file that a child writes to, on a thread of its own.
    private static func read(_ path: String) async throws -> String {
        try await HostThread.run("dna-test-read") {
            try String(contentsOfFile: path, encoding: .utf8)
        }
    }
}

/// A flag that one task or thread sets and others read: that a process has ended, that a loop may stop.
final class HostFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool {
        value.load(ordering: .acquiring)
    }

    func set() {
        value.store(true, ordering: .releasing)
    }
}
/// `ready node=<id> listen=<host:port> http=<host:port>`, the line `dna serve` prints once it serves.
private struct ReadyLine {
    var node: String
    var http: String

    init?(_ output: String) {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("ready ") }) else {
            return nil
        }
        var fields: [Substring: Substring] = [:]
        for word in line.split(separator: " ").dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2 {
                fields[parts[0]] = parts[1]
            }
        }
        guard let node = fields["node"], let http = fields["http"] else {
            return nil
        }
        self.node = String(node)
        self.http = String(http)
    }
}
