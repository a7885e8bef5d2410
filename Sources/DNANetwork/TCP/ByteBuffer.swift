/// A growable run of bytes with a read cursor: bytes are appended at the end
/// and consumed from the front.
///
/// Consuming moves an index instead of shifting memory; the consumed prefix
/// is reclaimed lazily when it dominates the storage. Slices share storage
/// with the buffer they came from (copy-on-write), so handing a frame's
/// payload on is cheap.
public struct ByteBuffer: Sendable, Hashable, CustomStringConvertible {
    private var storage: [UInt8]
    private var start: Int
    private var end: Int

    /// Creates an empty buffer.
    public init() {
        storage = []
        start = 0
        end = 0
    }

    /// Creates a buffer holding `bytes`.
    ///
    /// - Parameter bytes: The initial readable bytes.
    public init(bytes: [UInt8]) {
        storage = bytes
        start = 0
        end = bytes.count
    }

    /// Creates a buffer holding the UTF-8 bytes of `string`.
    ///
    /// - Parameter string: The initial readable text.
    public init(string: String) {
        self.init(bytes: Array(string.utf8))
    }

    private init(storage: [UInt8], start: Int, end: Int) {
        self.storage = storage
        self.start = start
        self.end = end
    }

    /// How many bytes can be read.
    public var readableBytes: Int {
        end - start
    }

    /// Whether no bytes can be read.
    public var isEmpty: Bool {
        start == end
    }

    /// The readable bytes, without copying.
    public var readableView: ArraySlice<UInt8> {
        storage[start..<end]
    }

    /// A copy of the readable bytes.
    public var bytes: [UInt8] {
        Array(storage[start..<end])
    }

    public var description: String {
        "ByteBuffer(readableBytes: \(readableBytes))"
    }

    public static func == (lhs: ByteBuffer, rhs: ByteBuffer) -> Bool {
        lhs.readableView == rhs.readableView
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(readableBytes)
        for byte in readableView.prefix(32) {
            hasher.combine(byte)
        }
    }

    // MARK: Appending

    /// Appends `bytes` after the readable bytes.
    ///
    /// - Parameter bytes: The bytes to append.
    public mutating func append(contentsOf bytes: [UInt8]) {
        prepareForAppend(count: bytes.count)
        storage.append(contentsOf: bytes)
        end = storage.count
    }

    /// Appends the readable bytes of `other`.
    ///
    /// - Parameter other: The buffer whose readable bytes are appended.
    public mutating func append(_ other: ByteBuffer) {
        prepareForAppend(count: other.readableBytes)
        storage.append(contentsOf: other.readableView)
        end = storage.count
    }

    /// Appends raw memory.
    ///
    /// - Parameter bytes: The memory to copy in.
    public mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        prepareForAppend(count: bytes.count)
        // Typed view so that Array takes its contiguous (memcpy) path.
        storage.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
        end = storage.count
    }

    /// Appends the UTF-8 bytes of `string`.
    ///
    /// - Parameter string: The text to append.
    public mutating func append(string: String) {
        prepareForAppend(count: string.utf8.count)
        storage.append(contentsOf: string.utf8)
        end = storage.count
    }

    /// Appends `value` as four big-endian bytes.
    ///
    /// - Parameter value: The integer to append.
    public mutating func appendUInt32(_ value: UInt32) {
        prepareForAppend(count: 4)
        storage.append(UInt8(truncatingIfNeeded: value >> 24))
        storage.append(UInt8(truncatingIfNeeded: value >> 16))
        storage.append(UInt8(truncatingIfNeeded: value >> 8))
        storage.append(UInt8(truncatingIfNeeded: value))
        end = storage.count
    }

    // MARK: Peeking

    /// The readable byte at `offset` from the read cursor, if there is one.
    ///
    /// - Parameter offset: The distance from the first readable byte.
    /// - Returns: The byte, or `nil` when `offset` is out of range.
    public func byte(at offset: Int) -> UInt8? {
        guard offset >= 0, offset < readableBytes else {
            return nil
        }
        return storage[start + offset]
    }

    /// The big-endian `UInt32` at `offset` from the read cursor, if four bytes are there.
    ///
    /// - Parameter offset: The distance from the first readable byte.
    /// - Returns: The integer, or `nil` when fewer than four bytes remain.
    public func peekUInt32(at offset: Int = 0) -> UInt32? {
        guard offset >= 0, offset + 4 <= readableBytes else {
            return nil
        }

        let base = start + offset
        return UInt32(storage[base]) << 24 | UInt32(storage[base + 1]) << 16 | UInt32(storage[base + 2]) << 8
            | UInt32(storage[base + 3])
    }

    /// The offset of the first `byte` at or after `offset`, if any.
    ///
    /// - Parameters:
    ///   - byte: The byte to look for.
    ///   - offset: Where to start, relative to the read cursor.
    /// - Returns: The offset relative to the read cursor, or `nil`.
    public func firstIndex(of byte: UInt8, from offset: Int = 0) -> Int? {
        guard offset < readableBytes else {
            return nil
        }

        return storage.withUnsafeBufferPointer { pointer in
            var index = start + max(offset, 0)
            while index < end {
                if pointer[index] == byte {
                    return index - start
                }
                index += 1
            }
            return nil
        }
    }

    /// Calls `body` with the readable bytes as raw memory.
    ///
    /// - Parameter body: Reads the bytes; the pointer is valid only inside it.
    /// - Returns: What `body` returned.
    public func withUnsafeReadableBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        try storage.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
        }
    }

    // MARK: Consuming

    /// Consumes and returns `count` bytes, or returns `nil` and consumes
    /// nothing when fewer are readable.
    ///
    /// - Parameter count: How many bytes to read.
    /// - Returns: A copy of the bytes.
    public mutating func readBytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= readableBytes else {
            return nil
        }

        let result = Array(storage[start..<start + count])
        start += count
        return result
    }

    /// Consumes `count` bytes and returns them as a buffer that shares storage.
    ///
    /// - Parameter count: How many bytes to read.
    /// - Returns: The slice, or `nil` when fewer bytes are readable.
    public mutating func readSlice(_ count: Int) -> ByteBuffer? {
        guard count >= 0, count <= readableBytes else {
            return nil
        }

        let slice = ByteBuffer(storage: storage, start: start, end: start + count)
        start += count
        return slice
    }

    /// Consumes a big-endian `UInt32`.
    ///
    /// - Returns: The integer, or `nil` when fewer than four bytes are readable.
    public mutating func readUInt32() -> UInt32? {
        guard let value = peekUInt32() else {
            return nil
        }

        start += 4
        return value
    }

    /// Consumes `count` bytes and decodes them as UTF-8, replacing invalid sequences.
    ///
    /// - Parameter count: How many bytes to read.
    /// - Returns: The text, or `nil` when fewer bytes are readable.
    public mutating func readString(_ count: Int) -> String? {
        guard count >= 0, count <= readableBytes else {
            return nil
        }

        let text = String(decoding: storage[start..<start + count], as: UTF8.self)
        start += count
        return text
    }

    /// Consumes `count` bytes without looking at them.
    ///
    /// - Parameter count: How many bytes to skip; clamped to the readable count.
    public mutating func moveReaderIndex(forwardBy count: Int) {
        start += min(max(count, 0), readableBytes)
    }

    /// Consumes every readable byte.
    public mutating func clear() {
        start = end
    }

    /// Makes room for `count` more bytes, reclaiming the consumed prefix when
    /// it is worth the copy and cutting a slice loose from shared storage.
    private mutating func prepareForAppend(count: Int) {
        if end != storage.count {
            storage = Array(storage[start..<end])
            start = 0
            end = storage.count
            return
        }

        if start == end {
            storage.removeAll(keepingCapacity: true)
            start = 0
            end = 0
        } else if start >= 4096, start >= storage.count / 2 {
            storage.removeSubrange(0..<start)
            end -= start
            start = 0
        }
    }
}
