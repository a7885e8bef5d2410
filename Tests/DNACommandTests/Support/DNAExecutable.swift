import Foundation

/// The `dna` executable, which `swift build --build-tests` and `swift test` put next to the test bundle, run as
/// a child process without blocking a thread of the cooperative pool.
enum DNAExecutable {
    /// What a finished run left.
    struct Run {
        var status: Int32
        /// Whether it exited (rather than died of a signal).
        var exited: Bool
        var output: String
        var errors: String
    }

    struct NotFound: Error, CustomStringConvertible {
        var description: String
    }

    /// The path of `dna` in the directory of the running test bundle.
    static func path() throws -> String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map(
            URL.init(fileURLWithPath:)
        )
        let candidates = [bundle, own].compactMap { $0?.deletingLastPathComponent().appendingPathComponent("dna").path }
        guard let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw NotFound(description: "no dna executable in \(candidates); build it with swift build --build-tests")
        }
        return found
    }

    /// Runs `dna` with `arguments` until it exits; its outputs go to files in `directory`, so that no pipe can
    /// fill up while nobody reads it.
    static func run(_ arguments: [String], in directory: URL) async throws -> Run {
        let outputURL = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        let errorsURL = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorsURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path())
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorsURL)

        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }

        return Run(
            status: process.terminationStatus,
            exited: process.terminationReason == .exit,
            output: (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOf: errorsURL, encoding: .utf8)) ?? ""
        )
    }
}

/// A fresh directory under the system's temporary directory, removed when the value is released.
final class ScratchDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("dna-command-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
