import Foundation

/// A bound value as sent in QUERY, EXECUTE and BATCH: the serialized bytes of a CQL value, null, or "unset".
///
/// Make values with the typed factories (`.text("a")`, `.bigint(7)`) or from any ``CQLEncodable``.
public struct CQLValue: Sendable, Hashable {
    enum Payload: Sendable, Hashable {
        case bytes([UInt8])
        case null
        case unset
    }

    let payload: Payload

    init(_ payload: Payload) {
        self.payload = payload
    }

    /// A value from its serialized bytes, as the specification defines them for the column's type.
    public static func serialized(_ bytes: [UInt8]) -> CQLValue { CQLValue(.bytes(bytes)) }

    /// Null: the column is cleared (a tombstone is written).
    public static let null = CQLValue(.null)

    /// Unset: the column is left as it is (no tombstone).
    public static let unset = CQLValue(.unset)

    /// The serialized bytes, or `nil` for null and unset.
    public var bytes: [UInt8]? {
        if case .bytes(let bytes) = payload {
            return bytes
        }
        return nil
    }

    /// A `text`, `varchar` or `ascii` value.
    public static func text(_ value: String) -> CQLValue { value.cqlValue }
    /// A `blob` value.
    public static func blob(_ value: [UInt8]) -> CQLValue { .serialized(value) }
    /// A `bigint` (or `counter`) value.
    public static func bigint(_ value: Int64) -> CQLValue { value.cqlValue }
    /// An `int` value.
    public static func int(_ value: Int32) -> CQLValue { value.cqlValue }
    /// A `boolean` value.
    public static func boolean(_ value: Bool) -> CQLValue { value.cqlValue }
    /// A `double` value.
    public static func double(_ value: Double) -> CQLValue { value.cqlValue }
    /// A `uuid` or `timeuuid` value.
    public static func uuid(_ value: UUID) -> CQLValue { value.cqlValue }
    /// A `timestamp` value.
    public static func timestamp(_ value: CQLTimestamp) -> CQLValue { value.cqlValue }
}

/// A `timestamp`: milliseconds since the Unix epoch, as CQL stores it.
public struct CQLTimestamp: Sendable, Hashable, Comparable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSince1970: Int64

    /// Creates a timestamp from milliseconds since the epoch.
    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    /// Creates a timestamp from a date, truncated to milliseconds.
    public init(_ date: Date) {
        millisecondsSince1970 = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The timestamp as a date.
    public var date: Date {
        Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000)
    }

    public static func < (lhs: CQLTimestamp, rhs: CQLTimestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }
}

/// An IP address and port, as `[inet]` carries them in events.
public struct CQLInet: Sendable, Hashable, CustomStringConvertible {
    /// The address: 4 bytes for IPv4, 16 for IPv6.
    public var address: [UInt8]

    /// The port.
    public var port: Int

    /// Creates an address.
    public init(address: [UInt8], port: Int) {
        self.address = address
        self.port = port
    }

    /// The address in text form (`127.0.0.1`, `::1` style without compression).
    public var host: String {
        Self.text(of: address)
    }

    static func text(of address: [UInt8]) -> String {
        if address.count == 4 {
            return address.map(String.init).joined(separator: ".")
        }
        var groups: [String] = []
        var index = 0
        while index + 1 < address.count {
            groups.append(String(UInt16(address[index]) << 8 | UInt16(address[index + 1]), radix: 16))
            index += 2
        }
        return groups.joined(separator: ":")
    }

    public var description: String {
        address.count == 16 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
