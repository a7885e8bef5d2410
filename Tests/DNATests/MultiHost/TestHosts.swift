import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The test hosts of `scripts/test-hosts`: three network namespaces on one bridge, and a PostgreSQL server in a
/// fourth that all of them reach over TCP.
///
/// The script's names and addresses are fixed, so one test process at a time may use them: ``Lock`` keeps the
/// others waiting. ``up()`` first removes whatever a crashed run left behind.
struct TestHosts: Sendable {
    /// One host: its network namespace and its address on the bridge.
    struct Host: Sendable, CustomStringConvertible {
        var namespace: String
        var address: String

        var description: String { namespace }
    }

    /// The libpq connection string of the server, for the hosts.
    var postgresURL: String
    var hosts: [Host]

    /// Why hosts cannot be made here (not root, no `ip`, no permission), or `nil` when they can.
    static func obstacle() async throws -> String? {
        let result = try await script(["check"])
        switch result.status {
        case 0: return nil
        case 3: return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        default: throw HostTestFailure("scripts/test-hosts check failed: \(result.errors)")
        }
    }

    /// Removes any leftovers, then creates the hosts and starts the server.
    static func up() async throws -> TestHosts {
        let output = try await checked(["up"])
        var hosts = TestHosts(postgresURL: "", hosts: [])
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            if words.count == 2, words[0] == "postgres" {
                hosts.postgresURL = words[1]
            } else if words.count == 3, words[0] == "host" {
                hosts.hosts.append(Host(namespace: words[1], address: words[2]))
            }
        }
        guard !hosts.postgresURL.isEmpty, hosts.hosts.count == 3 else {
            throw HostTestFailure("scripts/test-hosts up printed no server and three hosts: \(output)")
        }
        return hosts
    }

    /// Ends every process inside the hosts and removes hosts, links, bridge and server.
    static func down() async throws {
        _ = try await checked(["down"])
    }

    /// Takes the host's link down: it reaches nothing and nothing reaches it, the server included.
    static func cut(_ host: Host) async throws {
        _ = try await checked(["cut", host.namespace])
    }

    /// Brings the host's link back up.
    static func restore(_ host: Host) async throws {
        _ = try await checked(["restore", host.namespace])
    }

    // MARK: Running the script

    private struct Result: Sendable {
        var status: Int32
        var output: String
        var errors: String
    }

    private static func checked(_ arguments: [String]) async throws -> String {
        let result = try await script(arguments)
        guard result.status == 0 else {
            let command = (["scripts/test-hosts"] + arguments).joined(separator: " ")
            throw HostTestFailure("\(command) exited with \(result.status): \(result.errors)")
        }
        return result.output
    }

    /// Runs the script, its outputs going to files so that no pipe can fill up while it runs, and reads them on
    /// a thread of its own.
    private static func script(_ arguments: [String]) async throws -> Result {
        let directory = try TemporaryDirectory()
        let output = directory.path("stdout")
        let errors = directory.path("stderr")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [scriptPath] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try HostProcess.outputFile(output)
        process.standardError = try HostProcess.outputFile(errors)
        let status = try await HostProcess.run(process)

        return try await HostThread.run("dna-test-read") {
            Result(
                status: status,
                output: (try? String(contentsOfFile: output, encoding: .utf8)) ?? "",
                errors: (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            )
        }
    }

    /// `scripts/test-hosts` of this checkout.
    private static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/test-hosts").path
    }
}

extension TestHosts {
    /// An exclusive lock on the fixed names of the test hosts, between test processes.
    ///
    /// It is an `flock` on a file: the kernel releases it when its holder dies, so a crashed run never keeps the
    /// next one waiting.
    final class Lock: Sendable {
        private let descriptor: Int32

        private init(descriptor: Int32) {
            self.descriptor = descriptor
        }

        /// Waits for the lock, for at most `timeout` (another test process may hold it for a whole run).
        static func acquire(within timeout: Duration = .seconds(180)) async throws -> Lock {
            let path = "/tmp/dna-test-hosts.lock"
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw HostTestFailure("cannot open \(path): \(String(cString: strerror(errno)))")
            }
            // LOCK_NB: polled, so that no thread sits blocked in flock.
            guard
                await eventually(
                    within: timeout,
                    every: .milliseconds(200),
                    { flock(descriptor, LOCK_EX | LOCK_NB) == 0 }
                )
            else {
                close(descriptor)
                throw HostTestFailure("another test process held \(path) for longer than \(timeout)")
            }
            return Lock(descriptor: descriptor)
        }

        /// Releases the lock.
        func release() {
            close(descriptor)
        }
    }
}
