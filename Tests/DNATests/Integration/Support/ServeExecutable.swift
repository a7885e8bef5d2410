import Foundation

/// The `dna` executable the integration tests run.
///
/// SwiftPM builds every product of the package into one directory, the test bundle included: both
/// `swift build --build-tests` and `swift test` leave `dna` next to `DNAPackageTests.xctest`.
enum ServeExecutable {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The path of the built `dna`, found next to the running test bundle.
    ///
    /// - Throws: ``Missing`` when it is not there, saying how to build it.
    static func path() throws -> String {
        // /proc/self/exe is the test bundle's absolute path, however the runner was started.
        let bundle =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let directory = URL(fileURLWithPath: bundle).deletingLastPathComponent()
        let candidate = directory.appendingPathComponent("dna").path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw Missing(
                description: """
                    the multi-process tests run the `dna` executable, which is not at \(candidate); \
                    build it with `swift build --build-tests` (or run `swift test`, which builds it)
                    """
            )
        }
        return candidate
    }
}
