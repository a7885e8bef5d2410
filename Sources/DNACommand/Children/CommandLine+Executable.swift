import Foundation

extension CommandLine {
    /// The path of the running executable, so that the command can start copies of itself.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arguments[0]
    }
}
