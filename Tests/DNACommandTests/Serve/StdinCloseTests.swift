import Foundation
import Testing

@testable import DNACommand

@Suite("dna serve --exit-on-stdin-close", .timeLimit(.minutes(1)))
struct StdinCloseTests {
    @Test("a node whose standard input closes drains and exits 0, as the demo's nodes do when the demo dies")
    func drainsOnClose() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try DNAExecutable.path())
        process.arguments = ["serve", "--store", "memory", "--log-level", "off", "--exit-on-stdin-close"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output

        let exited = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { process in
            exited.continuation.yield(process.terminationReason == .exit ? process.terminationStatus : -1)
        }
        try process.run()

        // Blocking reads go to a thread of their own; the ready line means the node serves.
        let firstLine = await BlockingWork.run(name: "test-read") { () -> String in
            let data = (try? output.fileHandleForReading.read(upToCount: 5)) ?? nil
            return String(decoding: data ?? Data(), as: UTF8.self)
        }
        #expect(firstLine == "ready")

        try input.fileHandleForWriting.close()
        var status: Int32?
        for await code in exited.stream {
            status = code
            break
        }

        #expect(status == 0)
    }
}
