import Foundation

/// A Swift type that can be bound to a CQL marker.
public protocol CQLEncodable: Sendable {
    /// The value in its CQL serialized form.
    var cqlValue: CQLValue { get }
}

/// A Swift type that a CQL cell can be decoded as.
public protocol CQLDecodable: Sendable {
    /// Decodes a non-null cell of column type `type`.
    ///
    /// - Throws: ``CQLClientError`` with code ``CQLClientError/Code/typeMismatch`` when the column's type does
    ///   not map to this Swift type or the bytes have the wrong size.
    init(cqlBytes bytes: [UInt8], type: CQLDataType) throws(CQLClientError)
}

/// A type usable both ways.
public typealias CQLCodable = CQLEncodable & CQLDecodable

func mismatch(_ swiftType: Any.Type, _ type: CQLDataType, _ detail: String = "") -> CQLClientError {
    CQLClientError(.typeMismatch, "a \(type) cell does not decode as \(swiftType)\(detail)")
}

func readBigEndianInteger<Value: FixedWidthInteger>(_ bytes: [UInt8], as type: Value.Type) -> Value? {
    guard bytes.count == Value.bitWidth / 8 else {
        return nil
    }
    var raw: Value.Magnitude = 0
    for byte in bytes {
        raw = raw << 8 | Value.Magnitude(byte)
    }
    return Value(truncatingIfNeeded: raw)
}

func bigEndianBytes<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
    let size = Value.bitWidth / 8
    return (0..<size).map { UInt8(truncatingIfNeeded: value >> ((size - 1 - $0) * 8)) }
}

extension String: CQLCodable {
    public var cqlValue: CQLValue { .serialized(Array(utf8)) }

    public init(cqlBytes bytes: [UInt8], type: CQLDataType) throws(CQLClientError) {
        switch type {
        case .varchar, .ascii, .custom:
            self = String(decoding: bytes, as: UTF8.self)
        default:
            throw mismatch(String.self, type)
        }
    }
}

extension Array: CQLEncodable where Element == UInt8 {
    public var cqlValue: CQLValue { .serialized(self) }
}

extension Array: CQLDecodable where Element == UInt8 {
    /// Any cell's raw bytes: for `blob` columns, or to decode a type this client does not map.
    public init(cqlBytes bytes: [UInt8], type: CQLDataType) throws(CQLClientError) {
        self = bytes
    }
}

extension Int64: CQLCodable {
    public var cqlValue: CQLValue { .serialized(bigEndianBytes(self)) }

    public init(cqlBytes bytes: [UInt8], type: CQLDataType) throws(CQLClientError) {
        switch type {
        case .bigint, .counter, .timestamp:
            guard let value = readBigEndianInteger(bytes, as: Int64.self) else {
                throw mismatch(Int64.self, type, ": \(bytes.count) bytes")
            }
            self = value
        case .int:
            self = Int64(try Int32(cqlBytes: bytes, type: type))
        default:
            throw mismatch(Int64.self, type)
        }
    }
}

extension Int32: CQLCodable {
    public var cqlValue: CQLValue { .serialized(bigEndianBytes(self)) }

    public init(cqlBytes bytes: [UInt8], type: CQLDataType) throws(CQLClientError) {
        guard type == .int, let value = readBigEndianInteger(bytes, as: Int32.self) else {
            throw mismatch(Int32.self, type, ": \(bytes.count) bytes")
        }
        self = value
    }
}

extension Int: CQLCodable {
    /// Binds as a `bigint`.
    public var cqlValue: CQLValue { Int64(self).cqlValue }

    public init(cqlBytes bytes: [UInt8], type: CQLDataType) throws(CQLClientError) {
        let wide = try Int64(cqlBytes: bytes, type: type)
        guard let value = Int(exactly: wide) else {
            throw mismatch(Int.self, type, ": out of range")
        }
        self = value
    }
}

extension Bool: CQLCodable {
    public var cqlValue: CQLValue { .serialized([self ? 1 : 0]) }

    public init(cqlBytes bytes: [UInt8], type: CQLDataType) throws(CQLClientError) {
        guard type == .boolean, bytes.count == 1 else {
            throw mismatch(Bool.self, type, ": \(bytes.count) bytes")
        }
        self = bytes[0] != 0
    }
}

extension Double: CQLCodable {
    public var cqlValue: CQLValue { .serialized(bigEndianBytes(bitPattern)) }

    public init(cqlBytes bytes: [UInt8], type: CQLDataType) throws(CQLClientError) {
        switch type {
        case .double:
            guard let raw = readBigEndianInteger(bytes, as: UInt64.self) else {
                throw mismatch(Double.self, type, ": \(bytes.count) bytes")
            }
            self = Double(bitPattern: raw)
        case .float:
            guard let raw = readBigEndianInteger(bytes, as: UInt32.self) else {
                throw mismatch(Double.self, type, ": \(bytes.count) bytes")
            }
            self = Double(Float(bitPattern: raw))
        default:
            throw mismatch(Double.self, type)
        }
    }
}

extension UUID: CQLCodable {
    public var cqlValue: CQLValue {
        let raw = uuid
        return .serialized([
            raw.0, raw.1, raw.2, raw.3, raw.4, raw.5, raw.6, raw.7,
            raw.8, raw.9, raw.10, raw.11, raw.12, raw.13, raw.14, raw.15,
        ])
    }

    public init(cqlBytes bytes: [UInt8], type: CQLDataType) throws(CQLClientError) {
        guard type == .uuid || type == .timeuuid, bytes.count == 16 else {
            throw mismatch(UUID.self, type, ": \(bytes.count) bytes")
        }
        self = UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            )
        )
    }
}

extension CQLTimestamp: CQLCodable {
    public var cqlValue: CQLValue { millisecondsSince1970.cqlValue }

    public init(cqlBytes bytes: [UInt8], type: CQLDataType) throws(CQLClientError) {
        guard type == .timestamp, let value = readBigEndianInteger(bytes, as: Int64.self) else {
            throw mismatch(CQLTimestamp.self, type, ": \(bytes.count) bytes")
        }
        self.init(millisecondsSince1970: value)
    }
}

extension Date: CQLCodable {
    /// Binds as a `timestamp`, truncated to milliseconds.
    public var cqlValue: CQLValue { CQLTimestamp(self).cqlValue }

    public init(cqlBytes bytes: [UInt8], type: CQLDataType) throws(CQLClientError) {
        self = try CQLTimestamp(cqlBytes: bytes, type: type).date
    }
}

extension CQLInet: CQLDecodable {
    /// Decodes an `inet` column (an address without port; the port is 0).
    public init(cqlBytes bytes: [UInt8], type: CQLDataType) throws(CQLClientError) {
        guard type == .inet, bytes.count == 4 || bytes.count == 16 else {
            throw mismatch(CQLInet.self, type, ": \(bytes.count) bytes")
        }
        self.init(address: bytes, port: 0)
    }
}

extension Set: CQLDecodable where Element: CQLDecodable {
    /// Decodes a `set` or `list` column (for example the `tokens` of `system.peers`).
    public init(cqlBytes bytes: [UInt8], type: CQLDataType) throws(CQLClientError) {
        let elementType: CQLDataType
        switch type {
        case .set(let element), .list(let element):
            elementType = element
        default:
            throw mismatch(Set.self, type)
        }
        var reader = WireReader(bytes)
        let count = Int(try reader.readInt())
        guard count >= 0, count <= reader.remaining / 4 else {
            throw mismatch(Set.self, type, ": the element count \(count) does not fit the cell")
        }
        var elements = Set()
        for _ in 0..<count {
            guard let element = try reader.readBytes() else {
                throw mismatch(Set.self, type, ": a null element")
            }
            elements.insert(try Element(cqlBytes: element, type: elementType))
        }
        self = elements
    }
}
