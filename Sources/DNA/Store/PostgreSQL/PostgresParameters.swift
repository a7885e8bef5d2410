/// The parameters of one statement, in PostgreSQL's binary format, packed into one buffer.
///
/// Text is sent as its UTF-8 bytes, integers big-endian, arrays in the server's array wire format, so nothing
/// is escaped or parsed as text on either side. PostgreSQL text cannot hold the NUL character: a string that
/// contains one is refused before anything is sent.
struct PostgresParameters: Sendable {
    /// The parameters' bytes. The buffer starts with one unused byte so that it always has an address, which
    /// a zero-length parameter needs: libpq reads a null pointer as SQL NULL.
    private var bytes: [UInt8] = [0]
    private var offsets: [Int] = []
    private var lengths: [Int32] = []

    init(reservingCapacity capacity: Int = 64) {
        bytes.reserveCapacity(capacity + 1)
    }

    var count: Int { lengths.count }

    mutating func append(_ text: String) throws(DNAError) {
        begin()
        try write(text)
        end()
    }

    mutating func append(_ value: Int64) {
        begin()
        write(value)
        end()
    }

    mutating func append(_ value: Bool) {
        begin()
        bytes.append(value ? 1 : 0)
        end()
    }

    mutating func append(bytes value: [UInt8]) {
        begin()
        bytes.append(contentsOf: value)
        end()
    }

    /// Appends the three text parameters of an actor name: namespace, type and key.
    mutating func append(name: ActorName) throws(DNAError) {
        try append(name.namespace)
        try append(name.type.name)
        try append(name.key)
    }

    /// Appends a one-dimensional `text[]` parameter of one string per element.
    mutating func appendTextArray<Elements: Collection>(
        _ elements: Elements,
        _ text: (Elements.Element) -> String
    ) throws(DNAError) {
        begin()
        writeArrayHeader(elementType: PostgresType.text, count: elements.count)
        for element in elements {
            let start = reserveLength()
            try write(text(element))
            patchLength(at: start)
        }
        end()
    }

    /// Appends a one-dimensional `bytea[]` parameter of one byte string per element.
    mutating func appendByteaArray<Elements: Collection>(
        _ elements: Elements,
        _ value: (Elements.Element) -> [UInt8]
    ) {
        begin()
        writeArrayHeader(elementType: PostgresType.bytea, count: elements.count)
        for element in elements {
            let data = value(element)
            write(Int32(data.count))
            bytes.append(contentsOf: data)
        }
        end()
    }

    /// Calls `body` with libpq's three parameter arrays: values, lengths and formats (all binary).
    ///
    /// The pointers are valid only during `body`; libpq copies the data while queueing a statement.
    func withUnsafeArguments<Result>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> Result
    ) -> Result {
        bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)  // never empty: it starts with one unused byte
            var values: [UnsafePointer<CChar>?] = []
            values.reserveCapacity(count)
            for (offset, length) in zip(offsets, lengths) {
                values.append(length < 0 ? nil : (base + offset).assumingMemoryBound(to: CChar.self))
            }
            let formats = [Int32](repeating: 1, count: count)
            return values.withUnsafeBufferPointer { values in
                lengths.withUnsafeBufferPointer { lengths in
                    formats.withUnsafeBufferPointer { formats in
                        body(values.baseAddress, lengths.baseAddress, formats.baseAddress)
                    }
                }
            }
        }
    }

    // MARK: Writing

    private mutating func begin() {
        offsets.append(bytes.count)
    }

    private mutating func end() {
        lengths.append(Int32(bytes.count - offsets[offsets.count - 1]))
    }

    private mutating func write(_ text: String) throws(DNAError) {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        if bytes[start...].contains(0) {
            throw DNAError(.badRequest, "PostgreSQL text cannot hold the NUL character")
        }
    }

    private mutating func write(_ value: Int32) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func write(_ value: Int64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Dimensions, null flag, element type, then the one dimension's length and lower bound.
    private mutating func writeArrayHeader(elementType: UInt32, count: Int) {
        write(Int32(count == 0 ? 0 : 1))
        write(Int32(0))
        write(Int32(bitPattern: elementType))
        if count > 0 {
            write(Int32(count))
            write(Int32(1))
        }
    }

    private mutating func reserveLength() -> Int {
        let start = bytes.count
        write(Int32(0))
        return start
    }

    private mutating func patchLength(at start: Int) {
        let length = Int32(bytes.count - start - 4).bigEndian
        withUnsafeBytes(of: length) { raw in
            for index in 0..<4 {
                bytes[start + index] = raw[index]
            }
        }
    }
}

/// The type identifiers (OIDs) of the element types of the arrays DNA sends.
enum PostgresType {
    static let bytea: UInt32 = 17
    static let text: UInt32 = 25
}
