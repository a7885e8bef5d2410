/// Encodes `Encodable` values into DNA's compact binary form.
///
/// The form is self-describing only as far as decoding needs: the decoder must know the type. Each nested value
/// carries a length header (`0` for nil, `n + 1` for `n` content bytes); keyed containers keep their key strings,
/// so fields may be added, removed or reordered between versions of a type as `Codable` allows. A value at the
/// top level is written as bare content: a top-level `String` is its UTF-8 bytes, a top-level `[UInt8]` or
/// integer has a fast path of its own, and a top-level nil is the single byte `0xC0`, which no other top-level
/// value can be.
public struct BinaryEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// Encodes a value.
    ///
    /// - Throws: `EncodingError` when the value's `encode(to:)` throws or misuses its containers.
    public func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        if Value.self == String.self {
            return Array((value as! String).utf8)  // The type check above makes the cast certain.
        }
        if Value.self == [UInt8].self {
            return value as! [UInt8]  // The type check above makes the cast certain.
        }
        // As a leaf, so that a top-level `Data` is written as the raw bytes the decoder reads.
        if let leaf = LeafEncoding.leaf(for: value) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(EncodingSlot.size(of: leaf))
            EncodingSlot.write(leaf, into: &bytes)
            return bytes
        }
        if let bytes = try DirectWriter.encode(value) {
            return bytes
        }
        return try encodeThroughTree(value)
    }

    /// Encodes a value by building the tree of its slots first, which follows containers used in any order.
    ///
    /// ``encode(_:)`` writes in one pass and comes here only for values whose containers were used out of
    /// order (``DirectWriter``); both write the same bytes.
    func encodeThroughTree<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let root = EncodingSlot()
        try LeafEncoding.encode(value, into: root)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(root.contentSize)
        root.writeRoot(into: &bytes)
        return bytes
    }
}

/// What one encoded value holds before it is written out.
enum EncodedLeaf {
    case bool(Bool)
    case varint(UInt64)
    case fixed32(UInt32)
    case fixed64(UInt64)
    case string(String)
    case bytes([UInt8])
}

/// One child of a container: a scalar or a nil written in place, or a nested value with a slot of its own.
///
/// Scalars, the most common children, need no slot object: that saves an allocation per field.
enum EncodedChild {
    case leaf(EncodedLeaf)
    case null
    case slot(EncodingSlot)

    /// The size of the child as written: header plus content.
    var nestedSize: Int {
        switch self {
        case .leaf(let leaf):
            let size = EncodingSlot.size(of: leaf)
            return EncodingSlot.varintSize(UInt64(size) + 1) + size
        case .null:
            return 1
        case .slot(let slot):
            return slot.nestedSize
        }
    }

    func writeNested(into bytes: inout [UInt8]) {
        switch self {
        case .leaf(let leaf):
            EncodingSlot.writeNested(leaf, into: &bytes)
        case .null:
            bytes.append(0)
        case .slot(let slot):
            slot.writeNested(into: &bytes)
        }
    }
}

/// A reference to the value under construction at one position of the tree.
final class EncodingSlot {
    enum Value {
        case unset
        case null
        case leaf(EncodedLeaf)
        case keyed([(key: String, child: EncodedChild)])
        case unkeyed([EncodedChild])
    }

    var value: Value = .unset
    private var cachedSize = -1

    static let rootNil: UInt8 = 0xC0

    /// The size of the content, without the length header.
    var contentSize: Int {
        if cachedSize >= 0 {
            return cachedSize
        }
        let size: Int
        switch value {
        case .unset, .null:
            size = 0
        case .leaf(let leaf):
            size = Self.size(of: leaf)
        case .keyed(let entries):
            size = entries.reduce(Self.varintSize(UInt64(entries.count))) { total, entry in
                let keyLength = entry.key.utf8.count
                return total + Self.varintSize(UInt64(keyLength)) + keyLength + entry.child.nestedSize
            }
        case .unkeyed(let elements):
            size = elements.reduce(Self.varintSize(UInt64(elements.count))) { $0 + $1.nestedSize }
        }
        cachedSize = size
        return size
    }

    /// The size of the value written as a child: header plus content.
    var nestedSize: Int {
        if case .null = value {
            return 1
        }
        let size = contentSize
        return Self.varintSize(UInt64(size) + 1) + size
    }

    func writeRoot(into bytes: inout [UInt8]) {
        if case .null = value {
            bytes.append(Self.rootNil)
            return
        }
        writeContent(into: &bytes)
    }

    func writeNested(into bytes: inout [UInt8]) {
        if case .null = value {
            bytes.append(0)
            return
        }
        Varint.append(UInt64(contentSize) + 1, to: &bytes)
        writeContent(into: &bytes)
    }

    private func writeContent(into bytes: inout [UInt8]) {
        switch value {
        case .unset, .null:
            return
        case .leaf(let leaf):
            Self.write(leaf, into: &bytes)
        case .keyed(let entries):
            Varint.append(UInt64(entries.count), to: &bytes)
            for entry in entries {
                Varint.append(UInt64(entry.key.utf8.count), to: &bytes)
                bytes.append(contentsOf: entry.key.utf8)
                entry.child.writeNested(into: &bytes)
            }
        case .unkeyed(let elements):
            Varint.append(UInt64(elements.count), to: &bytes)
            for element in elements {
                element.writeNested(into: &bytes)
            }
        }
    }

    /// Writes a scalar as a child of a container: its length header, then its content.
    static func writeNested(_ leaf: EncodedLeaf, into bytes: inout [UInt8]) {
        Varint.append(UInt64(size(of: leaf)) + 1, to: &bytes)
        write(leaf, into: &bytes)
    }

    static func write(_ leaf: EncodedLeaf, into bytes: inout [UInt8]) {
        switch leaf {
        case .bool(let value):
            bytes.append(value ? 1 : 0)
        case .varint(let value):
            Varint.append(value, to: &bytes)
        case .fixed32(let value):
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        case .fixed64(let value):
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        case .string(let value):
            bytes.append(contentsOf: value.utf8)
        case .bytes(let value):
            bytes.append(contentsOf: value)
        }
    }

    static func size(of leaf: EncodedLeaf) -> Int {
        switch leaf {
        case .bool:
            return 1
        case .varint(let value):
            return varintSize(value)
        case .fixed32:
            return 4
        case .fixed64:
            return 8
        case .string(let value):
            return value.utf8.count
        case .bytes(let value):
            return value.count
        }
    }

    static func varintSize(_ value: UInt64) -> Int {
        max(1, (64 - value.leadingZeroBitCount + 6) / 7)
    }
}

/// The `Encoder` handed to `encode(to:)`: it fills one slot.
struct EncoderState: Encoder {
    let slot: EncodingSlot

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .keyed = slot.value {
        } else {
            slot.value = .keyed([])
        }
        return KeyedEncodingContainer(KeyedEncoding<Key>(slot: slot))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .unkeyed = slot.value {
        } else {
            slot.value = .unkeyed([])
        }
        return UnkeyedEncoding(slot: slot)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueEncoding(slot: slot)
    }
}
