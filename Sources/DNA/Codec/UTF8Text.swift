/// Strings from bytes that must be valid UTF-8, with a fast path for ASCII.
///
/// `String(validating:as:)` is generic over the encoding and looks up type metadata on every call, which
/// showed in profiles of the message path: names and keys are nearly always ASCII, which needs no validation
/// beyond a scan for high bits.
enum UTF8Text {
    /// The string the bytes spell, or `nil` when they are not valid UTF-8.
    @inlinable
    static func string(_ bytes: ArraySlice<UInt8>) -> String? {
        let isASCII = bytes.withUnsafeBufferPointer { buffer in
            buffer.allSatisfy { $0 < 0x80 }
        }
        if isASCII {
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
