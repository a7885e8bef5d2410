import Foundation

/// Encoding of one leaf value into a slot, shared by the three container kinds.
enum LeafEncoding {
    static func encode<Value: Encodable>(_ value: Value, into slot: EncodingSlot) throws {
        if let leaf = leaf(for: value) {
            slot.value = .leaf(leaf)
        } else {
            try value.encode(to: EncoderState(slot: slot))
        }
    }

    /// The leaf form of the standard scalar types, or `nil` for anything that encodes itself.
    static func leaf<Value: Encodable>(for value: Value) -> EncodedLeaf? {
        switch value {
        case let value as String: .string(value)
        case let value as [UInt8]: .bytes(value)
        case let value as Data: .bytes(Array(value))
        case let value as Bool: .bool(value)
        case let value as Int: .varint(Varint.zigzag(Int64(value)))
        case let value as Int64: .varint(Varint.zigzag(value))
        case let value as Int32: .varint(Varint.zigzag(Int64(value)))
        case let value as Int16: .varint(Varint.zigzag(Int64(value)))
        case let value as Int8: .varint(Varint.zigzag(Int64(value)))
        case let value as UInt: .varint(UInt64(value))
        case let value as UInt64: .varint(value)
        case let value as UInt32: .varint(UInt64(value))
        case let value as UInt16: .varint(UInt64(value))
        case let value as UInt8: .varint(UInt64(value))
        case let value as Double: .fixed64(value.bitPattern)
        case let value as Float: .fixed32(value.bitPattern)
        default: nil
        }
    }
}

struct KeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: EncodingSlot

    var codingPath: [any CodingKey] { [] }

    private func child(for key: Key) -> EncodingSlot {
        child(named: key.stringValue)
    }

    private func child(named name: String) -> EncodingSlot {
        let child = EncodingSlot()
        guard case .keyed(var entries) = slot.value else {
            return child
        }
        slot.value = .unset  // Drops the slot's reference so that the append below does not copy the array.
        entries.append((name, child))
        slot.value = .keyed(entries)
        return child
    }

    mutating func encodeNil(forKey key: Key) throws {
        child(for: key).value = .null
    }

    mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
        try LeafEncoding.encode(value, into: child(for: key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        EncoderState(slot: child(for: key)).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        EncoderState(slot: child(for: key)).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        EncoderState(slot: child(named: "super"))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        EncoderState(slot: child(for: key))
    }
}

struct UnkeyedEncoding: UnkeyedEncodingContainer {
    let slot: EncodingSlot

    var codingPath: [any CodingKey] { [] }

    var count: Int {
        guard case .unkeyed(let elements) = slot.value else {
            return 0
        }
        return elements.count
    }

    private func nextChild() -> EncodingSlot {
        let child = EncodingSlot()
        guard case .unkeyed(var elements) = slot.value else {
            return child
        }
        slot.value = .unset  // Drops the slot's reference so that the append below does not copy the array.
        elements.append(child)
        slot.value = .unkeyed(elements)
        return child
    }

    mutating func encodeNil() throws {
        nextChild().value = .null
    }

    mutating func encode<Value: Encodable>(_ value: Value) throws {
        try LeafEncoding.encode(value, into: nextChild())
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        EncoderState(slot: nextChild()).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        EncoderState(slot: nextChild()).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        EncoderState(slot: nextChild())
    }
}

struct SingleValueEncoding: SingleValueEncodingContainer {
    let slot: EncodingSlot

    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws {
        slot.value = .null
    }

    mutating func encode<Value: Encodable>(_ value: Value) throws {
        try LeafEncoding.encode(value, into: slot)
    }
}
