/// Appends the protocol's primitive notations (§3 of the specification), all big-endian, to a byte array.
struct WireWriter {
    private(set) var bytes: [UInt8]

    init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    mutating func writeByte(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func writeShort(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func writeInt(_ value: Int32) {
        writeBigEndian(UInt32(bitPattern: value))
    }

    mutating func writeLong(_ value: Int64) {
        writeBigEndian(UInt64(bitPattern: value))
    }

    mutating func writeBigEndian<Value: FixedWidthInteger & UnsignedInteger>(_ value: Value) {
        var shift = Value.bitWidth - 8
        while shift >= 0 {
            bytes.append(UInt8(truncatingIfNeeded: value >> shift))
            shift -= 8
        }
    }

    mutating func writeRaw<Bytes: Collection<UInt8>>(_ raw: Bytes) {
        bytes.append(contentsOf: raw)
    }

    /// `[string]`: a short length, then UTF-8.
    mutating func writeString(_ value: String) throws(CQLClientError) {
        let utf8 = value.utf8
        guard utf8.count <= Int(UInt16.max) else {
            throw CQLClientError(.invalidRequest, "a [string] of \(utf8.count) bytes does not fit a short length")
        }
        writeShort(UInt16(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// `[long string]`: an int length, then UTF-8.
    mutating func writeLongString(_ value: String) {
        let utf8 = value.utf8
        writeInt(Int32(clamping: utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// `[bytes]`: an int length, then the bytes; a negative length for null.
    mutating func writeBytes(_ value: [UInt8]?) {
        guard let value else {
            writeInt(-1)
            return
        }
        writeInt(Int32(clamping: value.count))
        bytes.append(contentsOf: value)
    }

    /// `[short bytes]`: a short length, then the bytes.
    mutating func writeShortBytes(_ value: [UInt8]) throws(CQLClientError) {
        guard value.count <= Int(UInt16.max) else {
            throw CQLClientError(.invalidRequest, "[short bytes] of \(value.count) bytes do not fit a short length")
        }
        writeShort(UInt16(value.count))
        bytes.append(contentsOf: value)
    }

    /// `[value]`: like `[bytes]`, with -1 for null and -2 for "unset".
    mutating func writeValue(_ value: CQLValue) {
        switch value.payload {
        case .bytes(let payload):
            writeBytes(payload)
        case .null:
            writeInt(-1)
        case .unset:
            writeInt(-2)
        }
    }

    /// `[string list]`.
    mutating func writeStringList(_ values: [String]) throws(CQLClientError) {
        writeShort(try Self.shortCount(values.count))
        for value in values {
            try writeString(value)
        }
    }

    /// `[string map]`, with its keys sorted so that the bytes are reproducible.
    mutating func writeStringMap(_ values: [(String, String)]) throws(CQLClientError) {
        writeShort(try Self.shortCount(values.count))
        for (key, value) in values {
            try writeString(key)
            try writeString(value)
        }
    }

    mutating func writeConsistency(_ value: CQLConsistency) {
        writeShort(value.rawValue)
    }

    static func shortCount(_ count: Int) throws(CQLClientError) -> UInt16 {
        guard count <= Int(UInt16.max) else {
            throw CQLClientError(.invalidRequest, "\(count) elements do not fit a short count")
        }
        return UInt16(count)
    }

    /// Overwrites four bytes at `offset` with a big-endian int (a length known only after the body).
    mutating func patchInt(_ value: Int32, at offset: Int) {
        let raw = UInt32(bitPattern: value)
        bytes[offset] = UInt8(truncatingIfNeeded: raw >> 24)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: raw >> 16)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: raw >> 8)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: raw)
    }
}
