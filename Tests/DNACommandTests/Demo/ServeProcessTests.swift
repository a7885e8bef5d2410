import Foundation
import Testing

@testable import DNACommand

@Suite("Demo: a node's child process", .timeLimit(.minutes(1)))
struct ServeProcessTests {
    private func child(_ script: String, in scratch: ScratchDirectory) -> ServeProcess {
        ServeProcess(
            number: 7,
            executable: "/bin/sh",
            arguments: ["-c", script],
            environment: [:],
            logPath: scratch.url.appendingPathComponent("node-7.log").path
        )
    }

    @Test("a child that exits before its ready line is reported with its exit, and its log is kept")
    func exitsEarly() async throws {
        let scratch = try ScratchDirectory()
        let process = child("echo starting; echo 'no store here' >&2; exit 3", in: scratch)
        try process.start()

        let error = await #expect(throws: DemoError.self) {
            try await BlockingWork.run(name: "test-ready") { try process.waitUntilReady(timeout: .seconds(20)) }
        }

        #expect(error?.description == "node 7 closed its output before it was ready and exited with status 3")
        #expect(process.logTail(lines: 5) == ["no store here"])
    }

    @Test("the ready line is found among other output; a kill is seen as the signal")
    func readyThenKilled() async throws {
        let scratch = try ScratchDirectory()
        let process = child(
            "echo hello; echo 'ready node=n1 listen=127.0.0.1:1 http=127.0.0.1:2'; exec sleep 60",
            in: scratch
        )
        try process.start()

        let ready = try await BlockingWork.run(name: "test-ready") { try process.waitUntilReady(timeout: .seconds(20)) }
        process.send(SIGKILL)
        let exit = await BlockingWork.run(name: "test-exit") { process.waitForExit(timeout: .seconds(20)) }

        #expect(ready == ReadyLine("ready node=n1 listen=127.0.0.1:1 http=127.0.0.1:2"))
        #expect(exit == .signalled(SIGKILL))
    }

    @Test("a child that never started is neither signalled nor waited for")
    func neverStarted() throws {
        let scratch = try ScratchDirectory()
        let process = ServeProcess(
            number: 1,
            executable: "/nonexistent/dna",
            arguments: [],
            environment: [:],
            logPath: scratch.url.appendingPathComponent("node-1.log").path
        )

        #expect(throws: (any Error).self) { try process.start() }
        // With pid 0, a kill would reach this whole process group: it must not be sent.
        process.send(SIGKILL)
        var exit: ServeProcess.Exit?
        let waited = ContinuousClock().measure { exit = process.waitForExit(timeout: .seconds(30)) }

        #expect(exit == nil)
        #expect(waited < .seconds(5))
    }
}
