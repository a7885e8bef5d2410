import Synchronization

/// A small structured logger with swift-log's levels and dotted metadata keys.
///
/// DNA logs routine events at `debug` or `info`, puts values in metadata (`actor.name`, `node.id`) and never
/// logs message payloads or stored values. The default handler discards everything; the `dna` command installs
/// a handler that writes to standard error, and tests may collect records in memory.
public struct Logger: Sendable {
    /// How severe a log record is.
    public enum Level: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
        case trace, debug, info, notice, warning, error, critical

        public static func < (lhs: Level, rhs: Level) -> Bool {
            lhs.rawValue < rhs.rawValue
        }

        public var description: String {
            switch self {
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .notice: "notice"
            case .warning: "warning"
            case .error: "error"
            case .critical: "critical"
            }
        }
    }

    /// Metadata values are strings; keys are dotted names such as `actor.name`.
    public typealias Metadata = [String: String]

    /// The logger's label, usually the component (`dna.node`).
    public var label: String

    /// Records below this level are dropped before they reach the handler.
    public var level: Level

    /// Metadata attached to every record of this logger.
    public var metadata: Metadata

    /// Where records go.
    public var handler: any LogHandler

    /// Creates a logger.
    public init(
        label: String,
        level: Level = .info,
        metadata: Metadata = [:],
        handler: any LogHandler = NoOpLogHandler()
    ) {
        self.label = label
        self.level = level
        self.metadata = metadata
        self.handler = handler
    }

    /// A logger that discards everything.
    public static let disabled = Logger(label: "dna", level: .critical)

    /// A copy of this logger with another label and extra metadata.
    public func child(label: String, metadata extra: Metadata = [:]) -> Logger {
        var copy = self
        copy.label = label
        copy.metadata.merge(extra) { _, new in new }
        return copy
    }

    /// Writes a record when `level` is at least the logger's level.
    public func log(
        _ level: Level,
        _ message: @autoclosure () -> String,
        metadata extra: @autoclosure () -> Metadata = [:]
    ) {
        guard level >= self.level else {
            return
        }
        var merged = metadata
        merged.merge(extra()) { _, new in new }
        handler.write(LogRecord(level: level, label: label, message: message(), metadata: merged))
    }

    public func debug(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(.debug, message(), metadata: metadata())
    }

    public func info(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(.info, message(), metadata: metadata())
    }

    public func notice(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(.notice, message(), metadata: metadata())
    }

    public func warning(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(.warning, message(), metadata: metadata())
    }

    public func error(_ message: @autoclosure () -> String, metadata: @autoclosure () -> Metadata = [:]) {
        log(.error, message(), metadata: metadata())
    }
}

/// One log record as handed to a ``LogHandler``.
public struct LogRecord: Sendable {
    public var level: Logger.Level
    public var label: String
    public var message: String
    public var metadata: Logger.Metadata
}

/// Receives the records of a ``Logger``.
public protocol LogHandler: Sendable {
    /// Writes one record. Called from any thread.
    func write(_ record: LogRecord)
}

/// A handler that discards every record.
public struct NoOpLogHandler: LogHandler {
    public init() {}

    public func write(_ record: LogRecord) {}
}

/// A handler that keeps records in memory, for tests.
public final class MemoryLogHandler: LogHandler {
    private let records = Mutex<[LogRecord]>([])

    public init() {}

    public func write(_ record: LogRecord) {
        records.withLock { $0.append(record) }
    }

    /// The records written so far.
    public var entries: [LogRecord] {
        records.withLock { $0 }
    }
}
