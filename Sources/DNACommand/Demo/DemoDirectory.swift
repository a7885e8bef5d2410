import Foundation

/// The demo's data directory, new under the system's temporary directory: the SQLite file the nodes share and
/// one log per node.
struct DemoDirectory: Sendable {
    let path: String

    /// Creates a new directory.
    static func make() throws -> DemoDirectory {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dna-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return DemoDirectory(path: url.path)
    }

    /// The SQLite file of the cluster.
    var storePath: String { "\(path)/dna.db" }

    /// The file that takes node `number`'s standard error.
    func logPath(node number: Int) -> String {
        "\(path)/node-\(number).log"
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
