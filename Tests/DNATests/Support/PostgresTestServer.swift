import DNA
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The PostgreSQL server of the test process: the one `DNA_POSTGRES_URL` names, or a throwaway one.
///
/// The throwaway server is started once, on first use, by `scripts/throwaway-postgres` (initdb into a new
/// directory under /tmp, a unix socket in that directory and no TCP port, so runs never collide), and stopped
/// when the process exits. A server left behind by a test process that was killed is stopped by the next run.
/// Every test gets a schema of its own and drops it when done.
enum PostgresTestServer {
    /// Whether tests can use a server.
    enum Status: Sendable {
        case running(url: String)
        /// No server is configured and no PostgreSQL binaries are installed: the tests skip.
        case unavailable(String)
        /// PostgreSQL is installed but the server could not be started: the tests fail.
        case failed(String)
    }

    /// The server's status, starting it on the first call.
    static func status() async -> Status {
        await startup.value
    }

    /// A configuration for a new schema of its own on the shared server.
    ///
    /// Its connections carry the schema's name as their `application_name`, so that a test can find them in
    /// `pg_stat_activity`.
    static func configuration(url: String, connections: Int = 2) -> PostgresConfiguration {
        let schema = "dna_test_\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
        let named: String
        if url.contains("://") {
            named = url + (url.contains("?") ? "&" : "?") + "application_name=\(schema)"
        } else {
            named = url + " application_name=\(schema)"
        }
        return PostgresConfiguration(url: named, connections: connections, schema: schema)
    }

    private static let startup = Task { await start() }

    /// The directory of the throwaway server, for the exit handler.
    private static let running = Mutex<String?>(nil)

    private static let prefix = "/tmp/dna-pg-test-"

    private static func start() async -> Status {
        if let url = ProcessInfo.processInfo.environment["DNA_POSTGRES_URL"], !url.isEmpty {
            return .running(url: url)
        }
        guard hasBinaries() else {
            return .unavailable(
                "no PostgreSQL binaries (/usr/lib/postgresql/*/bin/initdb) are installed and DNA_POSTGRES_URL is not set"
            )
        }
        await stopLeftovers()

        // The owner file is written first, so that a process killed at any point leaves a server the next
        // run can find and stop.
        let directory = prefix + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        try? "\(getpid())".write(toFile: directory + ".owner", atomically: true, encoding: .utf8)
        running.withLock { $0 = directory }
        atexit { PostgresTestServer.stopAtExit() }
        let url: String
        do {
            let output = try await ChildProcess.run("/bin/bash", [script, "start", directory, "--fast"])
            url = output.trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            return .failed("the throwaway PostgreSQL server did not start: \(error)")
        }
        return .running(url: url)
    }

    /// `scripts/throwaway-postgres` of this checkout.
    private static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/throwaway-postgres").path
    }

    private static func hasBinaries() -> Bool {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let installed = versions.contains {
            FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb")
        }
        return installed || ChildProcess.find("initdb") != nil
    }

    // MARK: Stopping

    private static func stopAtExit() {
        guard let directory = running.withLock({ $0 }) else {
            return
        }
        stopServer(in: directory)
        let deadline = Date().addingTimeInterval(10)
        while FileManager.default.fileExists(atPath: directory + "/data/postmaster.pid"), Date() < deadline {
            usleep(10_000)  // at exit there is nothing to await: poll the server's lock file with a deadline
        }
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: directory + ".owner")
    }

    /// Stops the servers of earlier test processes that died without stopping theirs.
    private static func stopLeftovers() async {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for name in names where ("/tmp/" + name).hasPrefix(prefix) && name.hasSuffix(".owner") {
            let directory = "/tmp/" + name.dropLast(".owner".count)
            guard let owner = try? String(contentsOfFile: directory + ".owner", encoding: .utf8),
                let pid = pid_t(owner.trimmingCharacters(in: .whitespacesAndNewlines)),
                kill(pid, 0) != 0, errno == ESRCH
            else {
                continue
            }
            stopServer(in: directory)
            let deadline = ContinuousClock.now + .seconds(10)
            while FileManager.default.fileExists(atPath: directory + "/data/postmaster.pid"),
                ContinuousClock.now < deadline
            {
                try? await Task.sleep(for: .milliseconds(20))
            }
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: directory + ".owner")
        }
    }

    /// Asks the postmaster of a data directory for an immediate shutdown.
    private static func stopServer(in directory: String) {
        guard let text = try? String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8),
            let line = text.split(separator: "\n").first, let pid = pid_t(line)
        else {
            return
        }
        kill(pid, SIGQUIT)
    }
}
