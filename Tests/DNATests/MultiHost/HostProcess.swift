import Foundation

/// Short-lived child processes of the multi-host test, awaited without blocking a thread.
enum HostProcess {
    /// Starts `process` and returns its exit status once it has ended.
    static func run(_ process: Process) async throws -> Int32 {
        try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { ended in
                continuation.resume(returning: ended.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }

    /// A new empty file at `path`, opened for a child's output.
    static func outputFile(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw HostTestFailure("cannot create \(path)")
        }
        return handle
    }
}
