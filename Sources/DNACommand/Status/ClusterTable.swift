/// What `dna status` prints: a cluster view as a title and an aligned table, one row per node.
enum ClusterTable {
    private static let header = ["", "NODE", "TRANSPORT", "HTTP", "ALIVE", "DRAINING", "LOAD", "ACTORS"]

    /// Columns of numbers, aligned on the right.
    private static let numeric: Set<Int> = [6, 7]

    /// Renders `view`; the node that answered is marked with `*`.
    static func render(_ view: ClusterView) -> String {
        let alive = view.nodes.filter(\.alive).count
        let nodes = view.nodes.count == 1 ? "1 node" : "\(view.nodes.count) nodes"
        let title = "cluster \(view.cluster): \(nodes), \(alive) alive (asked \(view.node), \(view.phase))"
        let rows = [header] + view.nodes.map(row)

        var widths = Array(repeating: 0, count: header.count)
        for row in rows {
            for (column, cell) in row.enumerated() {
                widths[column] = max(widths[column], cell.count)
            }
        }

        let lines = rows.map { line($0, widths: widths) }
        return ([title, ""] + lines + ["", "* the node that answered"]).joined(separator: "\n")
    }

    private static func row(_ node: ClusterView.Member) -> [String] {
        [
            node.this ? "*" : "",
            node.id,
            node.address.isEmpty ? "-" : node.address,
            node.http.isEmpty ? "-" : node.http,
            node.alive ? "yes" : "no",
            node.draining ? "yes" : "no",
            "\(node.load)",
            "\(node.residentActors)",
        ]
    }

    private static func line(_ cells: [String], widths: [Int]) -> String {
        let padded = cells.enumerated().map { column, cell in
            let padding = String(repeating: " ", count: widths[column] - cell.count)
            return numeric.contains(column) ? padding + cell : cell + padding
        }
        // Trailing spaces of the last column are noise in a terminal and in tests.
        return String(padded.joined(separator: "  ").reversed().drop { $0 == " " }.reversed())
    }
}
