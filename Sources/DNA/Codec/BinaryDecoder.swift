import Foundation

/// Decodes values written by ``BinaryEncoder``.
///
/// Malformed input never crashes: it throws `DecodingError.dataCorrupted` or `.keyNotFound`.
public struct BinaryDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Decodes a value of the given type from the whole of `bytes`.
    public func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        try decode(type, from: bytes[...])
    }

    /// Decodes a value of the given type from the whole of `bytes`.
    public func decode<Value: Decodable>(_ type: Value.Type, from bytes: ArraySlice<UInt8>) throws -> Value {
        if Value.self == String.self {
            return try DecoderState.string(from: bytes) as! Value  // The type check above makes the cast certain.
        }
        if Value.self == [UInt8].self {
            return Array(bytes) as! Value  // The type check above makes the cast certain.
        }
        let isNil = bytes.count == 1 && bytes.first == EncodingSlot.rootNil
        return try DecoderState(content: bytes, isNil: isNil).decodeLeafOrValue(type)
    }
}

/// The `Decoder` handed to `init(from:)`: it reads one value's content.
struct DecoderState: Decoder {
    let content: ArraySlice<UInt8>
    let isNil: Bool

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try checkNotNil()
        return KeyedDecodingContainer(try KeyedDecoding<Key>(content: content))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try checkNotNil()
        return try UnkeyedDecoding(content: content)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueDecoding(state: self)
    }

    private func checkNotNil() throws {
        if isNil {
            throw Self.corrupt("expected a container, found nil")
        }
    }

    /// Decodes the standard scalar types directly and everything else through `init(from:)`.
    func decodeLeafOrValue<Value: Decodable>(_ type: Value.Type) throws -> Value {
        if isNil {
            // A nil is a value only for an optional, whose `init(from:)` reads it with `decodeNil()`.
            guard Value.self is any OptionalDecodable.Type else {
                throw Self.corrupt("expected \(Value.self), found nil")
            }
            return try Value(from: self)
        }
        // Metatype comparisons, not casts: see `LeafEncoding.leaf(for:)`. Each `unsafeBitCast` turns a value into
        // the type it is already known to be.
        if type == String.self { return unsafeBitCast(try Self.string(from: content), to: Value.self) }
        if type == Int.self { return unsafeBitCast(try signed(Int.self), to: Value.self) }
        if type == [UInt8].self { return unsafeBitCast(Array(content), to: Value.self) }
        if type == Bool.self { return unsafeBitCast(try bool(), to: Value.self) }
        if type == Int64.self { return unsafeBitCast(try signed(Int64.self), to: Value.self) }
        if type == Double.self { return unsafeBitCast(Double(bitPattern: try fixed(UInt64.self)), to: Value.self) }
        if type == UInt64.self { return unsafeBitCast(try unsigned(UInt64.self), to: Value.self) }
        if type == Int32.self { return unsafeBitCast(try signed(Int32.self), to: Value.self) }
        if type == UInt32.self { return unsafeBitCast(try unsigned(UInt32.self), to: Value.self) }
        if type == Data.self { return unsafeBitCast(Data(content), to: Value.self) }
        if type == UInt.self { return unsafeBitCast(try unsigned(UInt.self), to: Value.self) }
        if type == Int16.self { return unsafeBitCast(try signed(Int16.self), to: Value.self) }
        if type == UInt16.self { return unsafeBitCast(try unsigned(UInt16.self), to: Value.self) }
        if type == Int8.self { return unsafeBitCast(try signed(Int8.self), to: Value.self) }
        if type == UInt8.self { return unsafeBitCast(try unsigned(UInt8.self), to: Value.self) }
        if type == Float.self { return unsafeBitCast(Float(bitPattern: try fixed(UInt32.self)), to: Value.self) }
        return try Value(from: self)
    }

    static func string(from content: ArraySlice<UInt8>) throws -> String {
        guard let string = UTF8Text.string(content) else {
            throw corrupt("a string is not valid UTF-8")
        }
        return string
    }

    private func bool() throws -> Bool {
        guard content.count == 1, let byte = content.first, byte <= 1 else {
            throw Self.corrupt("not a boolean")
        }
        return byte == 1
    }

    private func varint() throws -> UInt64 {
        var index = content.startIndex
        guard let value = Varint.read(content, at: &index), index == content.endIndex else {
            throw Self.corrupt("not an integer")
        }
        return value
    }

    private func signed<Integer: FixedWidthInteger & SignedInteger>(_ type: Integer.Type) throws -> Integer {
        guard let value = Integer(exactly: Varint.unzigzag(try varint())) else {
            throw Self.corrupt("integer out of range for \(Integer.self)")
        }
        return value
    }

    private func unsigned<Integer: FixedWidthInteger & UnsignedInteger>(_ type: Integer.Type) throws -> Integer {
        guard let value = Integer(exactly: try varint()) else {
            throw Self.corrupt("integer out of range for \(Integer.self)")
        }
        return value
    }

    private func fixed<Integer: FixedWidthInteger & UnsignedInteger>(_ type: Integer.Type) throws -> Integer {
        guard content.count == MemoryLayout<Integer>.size else {
            throw Self.corrupt("expected \(MemoryLayout<Integer>.size) bytes")
        }
        var value: Integer = 0
        for (shift, byte) in content.enumerated() {
            value |= Integer(byte) << (shift * 8)
        }
        return value
    }

    static func corrupt(_ message: String) -> DecodingError {
        DecodingError.dataCorrupted(DecodingError.Context(codingPath: [], debugDescription: message))
    }
}

/// Reads the children of keyed and unkeyed containers.
struct ChildReader {
    var bytes: ArraySlice<UInt8>
    var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    var isAtEnd: Bool { index == bytes.endIndex }

    mutating func count() throws -> Int {
        guard let count = Varint.read(bytes, at: &index), count <= UInt64(bytes.count) else {
            throw DecoderState.corrupt("bad element count")
        }
        return Int(count)
    }

    mutating func key() throws -> ArraySlice<UInt8> {
        guard let length = Varint.read(bytes, at: &index), length <= UInt64(bytes.endIndex - index) else {
            throw DecoderState.corrupt("bad key length")
        }
        defer { index += Int(length) }
        return bytes[index..<index + Int(length)]
    }

    /// Reads one child: its header and content.
    mutating func child() throws -> DecoderState {
        guard let header = Varint.read(bytes, at: &index), header <= UInt64(bytes.endIndex - index) + 1 else {
            throw DecoderState.corrupt("bad value length")
        }
        if header == 0 {
            return DecoderState(content: bytes[index..<index], isNil: true)
        }
        let length = Int(header - 1)
        defer { index += length }
        return DecoderState(content: bytes[index..<index + length], isNil: false)
    }
}

/// Marks optionals, so that the decoder lets them decode a nil instead of refusing it.
private protocol OptionalDecodable {}

extension Optional: OptionalDecodable {}
