/// Appends the fields of DNA's cluster messages to a byte array.
///
/// The cluster transport carries opaque payloads; DNA's own header in front of each payload is written by hand
/// rather than with the Codable coder, because it is decoded for every forwarded message on an event-loop
/// thread.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) {
        bytes.reserveCapacity(capacity)
    }

    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func varint(_ value: UInt64) {
        Varint.append(value, to: &bytes)
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            Varint.append(UInt64(utf8.count), to: &bytes)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func node(_ node: NodeID) {
        varint(UInt64(bitPattern: node.startedAtMillis))
        varint(node.random)
    }

    mutating func name(_ name: ActorName) {
        string(name.namespace)
        string(name.type.name)
        string(name.key)
    }

    mutating func rest(_ payload: ArraySlice<UInt8>) {
        bytes.append(contentsOf: payload)
    }

    mutating func rest(_ payload: [UInt8]) {
        bytes.append(contentsOf: payload)
    }
}

/// Reads the fields written by ``WireWriter``; every read fails with `nil` on truncated or malformed input.
struct WireReader {
    private let bytes: ArraySlice<UInt8>
    private var index: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes[...]
        self.index = bytes.startIndex
    }

    mutating func byte() -> UInt8? {
        guard index < bytes.endIndex else {
            return nil
        }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func varint() -> UInt64? {
        Varint.read(bytes, at: &index)
    }

    mutating func string() -> String? {
        guard let length = varint(), length <= UInt64(bytes.endIndex - index) else {
            return nil
        }
        let end = index + Int(length)
        defer { index = end }
        return UTF8Text.string(bytes[index..<end])
    }

    mutating func node() -> NodeID? {
        guard let millis = varint(), let random = varint() else {
            return nil
        }
        return NodeID(startedAtMillis: Int64(bitPattern: millis), random: random)
    }

    mutating func name() -> ActorName? {
        guard let namespace = string(), let type = string(), let key = string() else {
            return nil
        }
        return ActorName(namespace: namespace, type: ActorType(type), key: key)
    }

    /// Everything not read yet.
    mutating func rest() -> [UInt8] {
        Array(restSlice())
    }

    /// Everything not read yet, without a copy: the slice shares the message's storage.
    mutating func restSlice() -> ArraySlice<UInt8> {
        defer { index = bytes.endIndex }
        return bytes[index...]
    }
}
