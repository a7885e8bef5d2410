/// LEB128 variable-length integers, as used by the binary codec.
enum Varint {
    /// Appends `value` in 7-bit groups, least significant first.
    @inlinable
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Reads a varint at `index`, advancing it. Returns `nil` on truncated or over-long input.
    @inlinable
    static func read(_ bytes: ArraySlice<UInt8>, at index: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            guard shift < 64, shift < 63 || byte <= 1 else {
                return nil
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                return result
            }
            shift += 7
        }
        return nil
    }

    /// Maps signed integers to unsigned so that small magnitudes stay short.
    @inlinable
    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    /// The inverse of ``zigzag(_:)``.
    @inlinable
    static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}
