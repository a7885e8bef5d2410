/// Reads the protocol's primitive notations (§3 of the specification) from a byte array.
///
/// Every read checks its bounds and throws ``CQLClientError/Code/protocolViolation`` on short or malformed
/// input, so that no server response can crash the client.
struct WireReader {
    private let bytes: [UInt8]
    private(set) var offset: Int
    private let end: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
        self.end = bytes.count
    }

    var remaining: Int { end - offset }

    var isAtEnd: Bool { offset >= end }

    private func truncated(_ what: String) -> CQLClientError {
        CQLClientError(.protocolViolation, "the body ends inside a \(what) at offset \(offset)")
    }

    mutating func readByte() throws(CQLClientError) -> UInt8 {
        guard remaining >= 1 else {
            throw truncated("[byte]")
        }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readShort() throws(CQLClientError) -> UInt16 {
        try readBigEndian(UInt16.self, "[short]")
    }

    mutating func readInt() throws(CQLClientError) -> Int32 {
        Int32(bitPattern: try readBigEndian(UInt32.self, "[int]"))
    }

    mutating func readLong() throws(CQLClientError) -> Int64 {
        Int64(bitPattern: try readBigEndian(UInt64.self, "[long]"))
    }

    mutating func readBigEndian<Value: FixedWidthInteger & UnsignedInteger>(
        _ type: Value.Type,
        _ what: String
    ) throws(CQLClientError) -> Value {
        let size = Value.bitWidth / 8
        guard remaining >= size else {
            throw truncated(what)
        }
        var value: Value = 0
        for index in offset..<offset + size {
            value = value << 8 | Value(bytes[index])
        }
        offset += size
        return value
    }

    mutating func readRaw(_ count: Int) throws(CQLClientError) -> [UInt8] {
        guard count >= 0, remaining >= count else {
            throw truncated("run of \(count) bytes")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func skip(_ count: Int) throws(CQLClientError) {
        guard count >= 0, remaining >= count else {
            throw truncated("run of \(count) bytes")
        }
        offset += count
    }

    /// `[string]`. Invalid UTF-8 is replaced rather than rejected: names and messages are informational.
    mutating func readString() throws(CQLClientError) -> String {
        let count = Int(try readShort())
        return try readUTF8(count)
    }

    /// `[long string]`.
    mutating func readLongString() throws(CQLClientError) -> String {
        let count = Int(try readInt())
        guard count >= 0 else {
            throw CQLClientError(.protocolViolation, "a [long string] has the negative length \(count)")
        }
        return try readUTF8(count)
    }

    private mutating func readUTF8(_ count: Int) throws(CQLClientError) -> String {
        guard remaining >= count else {
            throw truncated("string of \(count) bytes")
        }
        defer { offset += count }
        return String(decoding: bytes[offset..<offset + count], as: UTF8.self)
    }

    /// `[bytes]`: `nil` for a negative length (null).
    mutating func readBytes() throws(CQLClientError) -> [UInt8]? {
        let count = Int(try readInt())
        guard count >= 0 else {
            return nil
        }
        return try readRaw(count)
    }

    /// `[short bytes]`.
    mutating func readShortBytes() throws(CQLClientError) -> [UInt8] {
        try readRaw(Int(try readShort()))
    }

    /// `[string list]`.
    mutating func readStringList() throws(CQLClientError) -> [String] {
        let count = Int(try readShort())
        var values: [String] = []
        values.reserveCapacity(min(count, remaining / 2))
        for _ in 0..<count {
            values.append(try readString())
        }
        return values
    }

    /// `[string multimap]`, as an array of pairs in the order sent.
    mutating func readStringMultimap() throws(CQLClientError) -> [(String, [String])] {
        let count = Int(try readShort())
        var entries: [(String, [String])] = []
        for _ in 0..<count {
            entries.append((try readString(), try readStringList()))
        }
        return entries
    }

    /// `[bytes map]`.
    mutating func readBytesMap() throws(CQLClientError) -> [String: [UInt8]?] {
        let count = Int(try readShort())
        var map: [String: [UInt8]?] = [:]
        for _ in 0..<count {
            let key = try readString()
            map[key] = .some(try readBytes())
        }
        return map
    }

    /// `[inet]`: an address size (4 or 16), the address, an int port.
    mutating func readInet() throws(CQLClientError) -> CQLInet {
        let size = Int(try readByte())
        guard size == 4 || size == 16 else {
            throw CQLClientError(.protocolViolation, "an [inet] has the address size \(size)")
        }
        let address = try readRaw(size)
        return CQLInet(address: address, port: Int(try readInt()))
    }

    mutating func readConsistency() throws(CQLClientError) -> CQLConsistency {
        CQLConsistency(rawValue: try readShort())
    }

    /// `[uuid]`: 16 raw bytes.
    mutating func readUUID() throws(CQLClientError) -> [UInt8] {
        try readRaw(16)
    }
}
