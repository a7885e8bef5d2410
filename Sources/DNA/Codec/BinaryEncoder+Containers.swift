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
    ///
    /// The type is matched by comparing metatypes, which costs a pointer comparison each, rather than by casts,
    /// which go through the runtime's dynamic casting for every value that is not a scalar. Once the types are
    /// known to be equal, `unsafeBitCast` reinterprets the value as the type it already is.
    static func leaf<Value: Encodable>(for value: Value) -> EncodedLeaf? {
        let type = Value.self
        if type == String.self { return .string(unsafeBitCast(value, to: String.self)) }
        if type == Int.self { return .varint(Varint.zigzag(Int64(unsafeBitCast(value, to: Int.self)))) }
        if type == [UInt8].self { return .bytes(unsafeBitCast(value, to: [UInt8].self)) }
        if type == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
        if type == Int64.self { return .varint(Varint.zigzag(unsafeBitCast(value, to: Int64.self))) }
        if type == Double.self { return .fixed64(unsafeBitCast(value, to: Double.self).bitPattern) }
        if type == UInt64.self { return .varint(unsafeBitCast(value, to: UInt64.self)) }
        if type == Int32.self { return .varint(Varint.zigzag(Int64(unsafeBitCast(value, to: Int32.self)))) }
        if type == UInt32.self { return .varint(UInt64(unsafeBitCast(value, to: UInt32.self))) }
        if type == Data.self { return .bytes(Array(unsafeBitCast(value, to: Data.self))) }
        if type == UInt.self { return .varint(UInt64(unsafeBitCast(value, to: UInt.self))) }
        if type == Int16.self { return .varint(Varint.zigzag(Int64(unsafeBitCast(value, to: Int16.self)))) }
        if type == UInt16.self { return .varint(UInt64(unsafeBitCast(value, to: UInt16.self))) }
        if type == Int8.self { return .varint(Varint.zigzag(Int64(unsafeBitCast(value, to: Int8.self)))) }
        if type == UInt8.self { return .varint(UInt64(unsafeBitCast(value, to: UInt8.self))) }
        if type == Float.self { return .fixed32(unsafeBitCast(value, to: Float.self).bitPattern) }
        return nil
    }
}

struct KeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: EncodingSlot

    var codingPath: [any CodingKey] { [] }

    private func append(_ child: EncodedChild, named name: String) {
        guard case .keyed(var entries) = slot.value else {
            return
        }
        slot.value = .unset  // Drops the slot's reference so that the append below does not copy the array.
        entries.append((name, child))
        slot.value = .keyed(entries)
    }

    private func child(named name: String) -> EncodingSlot {
        let child = EncodingSlot()
        append(.slot(child), named: name)
        return child
    }

    mutating func encodeNil(forKey key: Key) throws {
        append(.null, named: key.stringValue)
    }

    mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
        if let leaf = LeafEncoding.leaf(for: value) {
            append(.leaf(leaf), named: key.stringValue)
        } else {
            try value.encode(to: EncoderState(slot: child(named: key.stringValue)))
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        EncoderState(slot: child(named: key.stringValue)).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        EncoderState(slot: child(named: key.stringValue)).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        EncoderState(slot: child(named: "super"))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        EncoderState(slot: child(named: key.stringValue))
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

    private func append(_ child: EncodedChild) {
        guard case .unkeyed(var elements) = slot.value else {
            return
        }
        slot.value = .unset  // Drops the slot's reference so that the append below does not copy the array.
        elements.append(child)
        slot.value = .unkeyed(elements)
    }

    private func nextChild() -> EncodingSlot {
        let child = EncodingSlot()
        append(.slot(child))
        return child
    }

    mutating func encodeNil() throws {
        append(.null)
    }

    mutating func encode<Value: Encodable>(_ value: Value) throws {
        if let leaf = LeafEncoding.leaf(for: value) {
            append(.leaf(leaf))
        } else {
            try value.encode(to: EncoderState(slot: nextChild()))
        }
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
