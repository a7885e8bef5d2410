import Foundation
import Testing

@testable import DNACommand

@Suite("dna status end to end", .timeLimit(.minutes(1)))
struct StatusEndToEndTests {
    @Test("the table of a running node; a clear error from a port that speaks no HTTP and from a closed one")
    func status() async throws {
        let scratch = try ScratchDirectory()
        let node = ServeProcess(
            number: 1,
            executable: try DNAExecutable.path(),
            arguments: ["serve", "--store", "memory", "--cluster", "status-test"],
            environment: [:],
            logPath: scratch.url.appendingPathComponent("node.log").path
        )
        try node.start()
        let ready = try await BlockingWork.run(name: "test-ready") { try node.waitUntilReady(timeout: .seconds(20)) }

        let table = try await DNAExecutable.run(["status", "--http", ready.http], in: scratch.url)
        // The cluster transport closes a connection that sends it an HTTP request.
        let transport = try await DNAExecutable.run(["status", "--http", ready.listen], in: scratch.url)

        node.send(SIGTERM)
        let exit = await BlockingWork.run(name: "test-exit") { node.waitForExit(timeout: .seconds(20)) }
        let closed = try await DNAExecutable.run(["status", "--http", ready.http], in: scratch.url)

        #expect(table.exited && table.status == 0, "\(table.errors)")
        #expect(table.output.hasPrefix("cluster status-test: 1 node, 1 alive (asked \(ready.node), serving)"))
        #expect(table.output.contains("*  \(ready.node)  \(ready.listen)  \(ready.http)  yes    no "))

        #expect(transport.exited && transport.status == 1)
        #expect(transport.errors.hasPrefix("dna: \(ready.listen) closed the connection without an answer"))

        #expect(exit == .exited(0))
        #expect(closed.exited && closed.status == 1)
        #expect(closed.errors.hasPrefix("dna: cannot reach a node at \(ready.http)"))
    }
}
