#if canImport(Glibc)
import Glibc
#endif

struct KeyedDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    private let entries: [(key: ArraySlice<UInt8>, value: DecoderState)]
    private let index: [String: Int]?

    /// Beyond this many entries, lookups go through a dictionary instead of a scan.
    private static var scanLimit: Int { 12 }

    init(content: ArraySlice<UInt8>) throws {
        var reader = ChildReader(content)
        let count = try reader.count()
        var entries: [(key: ArraySlice<UInt8>, value: DecoderState)] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            entries.append((try reader.key(), try reader.child()))
        }
        guard reader.isAtEnd else {
            throw DecoderState.corrupt("trailing bytes after a keyed container")
        }
        self.entries = entries
        self.index = count > Self.scanLimit ? try Self.makeIndex(entries) : nil
    }

    private static func makeIndex(_ entries: [(key: ArraySlice<UInt8>, value: DecoderState)]) throws -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, entry) in entries.enumerated() {
            index[try DecoderState.string(from: entry.key)] = position
        }
        return index
    }

    var codingPath: [any CodingKey] { [] }

    var allKeys: [Key] {
        // A plain loop: synthesised enum decoding asks for every key, and the closure of a compactMap cost more
        // than the keys themselves. A key that is not UTF-8 matches no coding key anyway, repaired or not.
        var keys: [Key] = []
        keys.reserveCapacity(entries.count)
        for entry in entries {
            if let key = Key(stringValue: String(decoding: entry.key, as: UTF8.self)) {
                keys.append(key)
            }
        }
        return keys
    }

    func contains(_ key: Key) -> Bool {
        find(key) != nil
    }

    private func find(_ key: Key) -> DecoderState? {
        var name = key.stringValue
        if let index {
            return index[name].map { entries[$0].value }
        }
        return name.withUTF8 { wanted in
            entries.first { entry in
                entry.key.count == wanted.count
                    && entry.key.withUnsafeBufferPointer { stored in
                        // Non-empty buffers have base addresses.
                        wanted.isEmpty || memcmp(stored.baseAddress!, wanted.baseAddress!, wanted.count) == 0
                    }
            }?.value
        }
    }

    private func require(_ key: Key) throws -> DecoderState {
        guard let value = find(key) else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(codingPath: [], debugDescription: "missing"))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        try require(key).isNil
    }

    func decode<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value {
        try require(key).decodeLeafOrValue(type)
    }

    func decodeIfPresent<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value? {
        guard let value = find(key), !value.isNil else {
            return nil
        }
        return try value.decodeLeafOrValue(type)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try require(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try require(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        guard let value = entries.first(where: { $0.key.elementsEqual("super".utf8) })?.value else {
            throw DecoderState.corrupt("missing super")
        }
        return value
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try require(key)
    }
}

struct UnkeyedDecoding: UnkeyedDecodingContainer {
    private var reader: ChildReader
    private let total: Int

    init(content: ArraySlice<UInt8>) throws {
        reader = ChildReader(content)
        total = try reader.count()
        currentIndex = 0
    }

    var codingPath: [any CodingKey] { [] }
    var count: Int? { total }
    var isAtEnd: Bool { currentIndex >= total }
    private(set) var currentIndex: Int

    private mutating func next() throws -> DecoderState {
        guard !isAtEnd else {
            throw DecoderState.corrupt("no more elements")
        }
        let child = try reader.child()
        currentIndex += 1
        if isAtEnd && !reader.isAtEnd {
            throw DecoderState.corrupt("trailing bytes after an unkeyed container")
        }
        return child
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else {
            throw DecoderState.corrupt("no more elements")
        }
        var peek = reader
        guard try peek.child().isNil else {
            return false
        }
        _ = try next()
        return true
    }

    mutating func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try next().decodeLeafOrValue(type)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        try next()
    }
}

struct SingleValueDecoding: SingleValueDecodingContainer {
    let state: DecoderState

    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool {
        state.isNil
    }

    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try state.decodeLeafOrValue(type)
    }
}
