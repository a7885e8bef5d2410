#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A handler that writes one line per record to standard error: `time level label: message key=value ...`.
public struct StandardErrorLogHandler: LogHandler {
    public init() {}

    public func write(_ record: LogRecord) {
        Self.emit(record)
    }

    private static func emit(_ record: LogRecord) {
        var line = "\(timestamp()) \(record.level) \(record.label): \(record.message)"
        for key in record.metadata.keys.sorted() {
            line += " \(key)=\(record.metadata[key] ?? "")"
        }
        line += "\n"
        // One write(2) per record keeps lines from several threads whole.
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    private static func timestamp() -> String {
        let millis = WallClock.nowMillis()
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let clock = [parts.tm_hour, parts.tm_min, parts.tm_sec].map { $0 < 10 ? "0\($0)" : "\($0)" }
        let fraction = String(millis % 1000 + 1000).dropFirst()
        return "\(clock.joined(separator: ":")).\(fraction)Z"
    }
}
