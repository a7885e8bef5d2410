/// The `Encoder` handed to `encode(to:)` by ``DirectWriter``: it writes one value's frame.
struct DirectEncoder: Encoder {
    let writer: DirectWriter
    let position: DirectWriter.Position

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        _ = writer.beginContainer(position, kind: .keyed)
        return KeyedEncodingContainer(DirectKeyedEncoding<Key>(writer: writer, position: position))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        _ = writer.beginContainer(position, kind: .unkeyed)
        return DirectUnkeyedEncoding(writer: writer, position: position)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        DirectSingleValueEncoding(writer: writer, position: position)
    }

    /// Writes `value` as the next child of the container at `position`, after `key` if it has one.
    static func encode<Value: Encodable>(
        _ value: Value,
        as key: String?,
        in position: DirectWriter.Position,
        of writer: DirectWriter
    ) throws {
        guard writer.beginChild(of: position, key: key) else {
            return
        }
        if let leaf = LeafEncoding.leaf(for: value) {
            writer.writeChild(leaf)
        } else {
            try value.encode(to: DirectEncoder(writer: writer, position: writer.pushChild()))
        }
    }

    /// Starts the next child of the container at `position` and returns an encoder for it.
    static func child(as key: String?, in position: DirectWriter.Position, of writer: DirectWriter) -> DirectEncoder {
        guard writer.beginChild(of: position, key: key) else {
            return DirectEncoder(writer: writer, position: position)
        }
        return DirectEncoder(writer: writer, position: writer.pushChild())
    }
}

struct DirectKeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: DirectWriter
    let position: DirectWriter.Position

    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws {
        if writer.beginChild(of: position, key: key.stringValue) {
            writer.writeNilChild()
        }
    }

    mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
        try DirectEncoder.encode(value, as: key.stringValue, in: position, of: writer)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        DirectEncoder.child(as: key.stringValue, in: position, of: writer).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        DirectEncoder.child(as: key.stringValue, in: position, of: writer).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        DirectEncoder.child(as: "super", in: position, of: writer)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        DirectEncoder.child(as: key.stringValue, in: position, of: writer)
    }
}

struct DirectUnkeyedEncoding: UnkeyedEncodingContainer {
    let writer: DirectWriter
    let position: DirectWriter.Position

    var codingPath: [any CodingKey] { [] }

    var count: Int {
        writer.count(at: position)
    }

    mutating func encodeNil() throws {
        if writer.beginChild(of: position, key: nil) {
            writer.writeNilChild()
        }
    }

    mutating func encode<Value: Encodable>(_ value: Value) throws {
        try DirectEncoder.encode(value, as: nil, in: position, of: writer)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        DirectEncoder.child(as: nil, in: position, of: writer).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        DirectEncoder.child(as: nil, in: position, of: writer).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        DirectEncoder.child(as: nil, in: position, of: writer)
    }
}

struct DirectSingleValueEncoding: SingleValueEncodingContainer {
    let writer: DirectWriter
    let position: DirectWriter.Position

    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws {
        writer.writeSingle(position, nil)
    }

    mutating func encode<Value: Encodable>(_ value: Value) throws {
        if let leaf = LeafEncoding.leaf(for: value) {
            writer.writeSingle(position, leaf)
        } else {
            // As the tree does: the value encodes itself into this same slot.
            try value.encode(to: DirectEncoder(writer: writer, position: position))
        }
    }
}
