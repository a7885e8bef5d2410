import DNANetwork
import Foundation

/// A raw TCP ping-pong server in a child process (`dna bench pong-server`), the baseline of the remote-calls
/// benchmark: the same two-process round trip without DNA.
struct PingPongProcess {
    let process: Process
    let port: Int

    static func start(payloadSize: Int, logPath: String) async throws -> PingPongProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.executablePath)
        process.arguments = ["bench", "pong-server", "--payload-size", "\(payloadSize)"]
        let output = Pipe()
        process.standardOutput = output
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()

        let handle = output.fileHandleForReading
        let line = await BlockingWork.run(name: "dna-pong-ready") { () -> String in
            var bytes: [UInt8] = []
            while !bytes.contains(UInt8(ascii: "\n")) {
                let chunk = handle.availableData
                if chunk.isEmpty {
                    break
                }
                bytes.append(contentsOf: chunk)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard
            let port = line.split(separator: "=").last.flatMap({
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            })
        else {
            process.terminate()
            throw BenchmarkError("the ping-pong server did not start; see \(logPath)")
        }
        return PingPongProcess(process: process, port: port)
    }

    func kill() {
        process.terminate()
    }

    /// The child's side: serve until killed.
    static func serve(payloadSize: Int) async throws -> Int32 {
        let server = try PingPong.serve(payloadSize: payloadSize)
        FileHandle.standardOutput.write(Data("ready port=\(server.address.port)\n".utf8))
        while true {
            try await Task.sleep(for: .seconds(3600))
        }
    }
}
