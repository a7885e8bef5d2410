import Foundation

/// A benchmark's result: printed for people and, with `--json PATH`, written as one JSON object.
struct BenchmarkReport {
    private(set) var fields: [(String, Any)] = []

    mutating func add(_ name: String, _ value: Any) {
        fields.append((name, value))
    }

    func printSummary(title: String) {
        print(title)
        for (name, value) in fields {
            let shown: String
            if let number = value as? Double {
                shown = number >= 100 ? String(format: "%.0f", number) : String(format: "%.3f", number)
            } else {
                shown = "\(value)"
            }
            print("  \(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(shown)")
        }
    }

    func writeJSON(to path: String) throws {
        var object: [String: Any] = [:]
        for (name, value) in fields {
            object[name] = value
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }
}
