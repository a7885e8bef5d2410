/// A parsed command line: the words before the first flag, and the flags with their values.
///
/// Flags take the forms `--name value` and `--name=value`; a flag listed as boolean takes no value. Every
/// flag may also come from an environment variable `DNA_<NAME>` (upper case, dashes as underscores); the
/// command line wins.
struct Arguments {
    private(set) var words: [String] = []
    private var values: [String: String] = [:]
    private var used: Set<String> = []
    private let environment: [String: String]

    init(_ arguments: [String], booleanFlags: Set<String> = [], environment: [String: String] = [:]) throws(UsageError)
    {
        self.environment = environment
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else {
                words.append(argument)
                continue
            }
            let body = argument.dropFirst(2)
            if let equals = body.firstIndex(of: "=") {
                values[String(body[..<equals])] = String(body[body.index(after: equals)...])
            } else if booleanFlags.contains(String(body)) {
                values[String(body)] = "true"
            } else {
                guard index < arguments.count else {
                    throw UsageError("--\(body) needs a value")
                }
                values[String(body)] = arguments[index]
                index += 1
            }
        }
    }

    /// The value of a flag, from the command line or the environment.
    mutating func string(_ name: String) -> String? {
        used.insert(name)
        if let value = values[name] {
            return value
        }
        let variable = "DNA_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
        return environment[variable]
    }

    mutating func string(_ name: String, default value: String) -> String {
        string(name) ?? value
    }

    mutating func int(_ name: String, default value: Int) throws(UsageError) -> Int {
        guard let text = string(name) else {
            return value
        }
        guard let number = Int(text.replacingOccurrences(of: "_", with: "")), number >= 0 else {
            throw UsageError("--\(name) must be a whole number, not \"\(text)\"")
        }
        return number
    }

    mutating func flag(_ name: String, default value: Bool = false) throws(UsageError) -> Bool {
        guard let text = string(name) else {
            return value
        }
        switch text {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw UsageError("--\(name) takes true or false, not \"\(text)\"")
        }
    }

    mutating func duration(_ name: String, default value: Duration) throws(UsageError) -> Duration {
        guard let text = string(name) else {
            return value
        }
        guard let duration = DurationText.parse(text) else {
            throw UsageError("--\(name) must be a duration such as 500ms, 3s or 1m, not \"\(text)\"")
        }
        return duration
    }

    /// Fails on flags that were given but never asked for: a typo must not pass silently.
    func checkAllUsed() throws(UsageError) {
        let unknown = Set(values.keys).subtracting(used).sorted()
        if let first = unknown.first {
            throw UsageError("unknown flag --\(first)")
        }
    }
}

/// A mistake on the command line, reported with the usage text and exit code 64.
struct UsageError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Durations written as a number and a unit: `250ms`, `3s`, `2m`, `1h`, `100us`.
enum DurationText {
    static func parse(_ text: String) -> Duration? {
        let units: [(String, Double)] = [
            ("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1), ("m", 60), ("h", 3600),
        ]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number >= 0, number.isFinite else {
                return nil
            }
            return .nanoseconds(Int64((number * scale * 1e9).rounded()))
        }
        return nil
    }
}
