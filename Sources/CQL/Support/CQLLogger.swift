/// Where the CQL client reports what it does: a level, a message and metadata with dotted keys.
///
/// The client logs routine events at `debug`, notable ones (a host went down, a keyspace was created) at
/// `info`, and never logs bound values or credentials. The default discards everything.
public struct CQLLogger: Sendable {
    /// How severe a record is.
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error

        public static func < (lhs: Level, rhs: Level) -> Bool {
            lhs.rawValue < rhs.rawValue
        }
    }

    /// Receives each record.
    public var sink: @Sendable (Level, String, [String: String]) -> Void

    /// Creates a logger that hands records to `sink`.
    public init(sink: @escaping @Sendable (Level, String, [String: String]) -> Void) {
        self.sink = sink
    }

    /// A logger that discards everything.
    public static let disabled = CQLLogger { _, _, _ in }

    func debug(_ message: String, _ metadata: [String: String] = [:]) {
        sink(.debug, message, metadata)
    }

    func info(_ message: String, _ metadata: [String: String] = [:]) {
        sink(.info, message, metadata)
    }

    func warning(_ message: String, _ metadata: [String: String] = [:]) {
        sink(.warning, message, metadata)
    }
}
