/// The token of a partition key under Murmur3Partitioner, the default of Cassandra and ScyllaDB.
///
/// It is the first half of MurmurHash3 x64 128 (seed 0) over the serialized key, with Cassandra's quirk: the
/// tail bytes are sign-extended before they are shifted into place, so keys whose tail has bytes of 0x80 or more
/// hash differently from the reference algorithm. `Int64.min` is mapped to `Int64.max`.
public enum Murmur3Token {
    /// The token of a serialized partition key.
    public static func token<Bytes: RandomAccessCollection<UInt8>>(of key: Bytes) -> Int64 where Bytes.Index == Int {
        let hash = hash(key)
        return hash == Int64.min ? Int64.max : hash
    }

    /// The serialized partition key for the given components: a single component's bytes as they are, several
    /// as a composite (each as a 16-bit length, the bytes and a zero byte).
    public static func routingKey(_ components: [[UInt8]]) -> [UInt8] {
        if components.count == 1 {
            return components[0]
        }
        var key: [UInt8] = []
        for component in components {
            key.append(UInt8(truncatingIfNeeded: component.count >> 8))
            key.append(UInt8(truncatingIfNeeded: component.count))
            key.append(contentsOf: component)
            key.append(0)
        }
        return key
    }

    private static let c1: UInt64 = 0x87c3_7b91_1142_53d5
    private static let c2: UInt64 = 0x4cf5_ad43_2745_937f

    private static func hash<Bytes: RandomAccessCollection<UInt8>>(_ key: Bytes) -> Int64 where Bytes.Index == Int {
        let length = key.count
        let base = key.startIndex
        var h1: UInt64 = 0
        var h2: UInt64 = 0

        let blocks = length / 16
        for block in 0..<blocks {
            let offset = base + block * 16
            var k1 = littleEndian(key, at: offset)
            var k2 = littleEndian(key, at: offset + 8)

            k1 = k1 &* c1
            k1 = rotateLeft(k1, 31)
            k1 = k1 &* c2
            h1 ^= k1
            h1 = rotateLeft(h1, 27)
            h1 = h1 &+ h2
            h1 = h1 &* 5 &+ 0x52dc_e729

            k2 = k2 &* c2
            k2 = rotateLeft(k2, 33)
            k2 = k2 &* c1
            h2 ^= k2
            h2 = rotateLeft(h2, 31)
            h2 = h2 &+ h1
            h2 = h2 &* 5 &+ 0x3849_5ab5
        }

        let tail = base + blocks * 16
        let rest = length & 15
        var k1: UInt64 = 0
        var k2: UInt64 = 0
        if rest > 8 {
            for index in stride(from: rest - 1, through: 8, by: -1) {
                k2 ^= signExtended(key[tail + index]) << UInt64((index - 8) * 8)
            }
            k2 = k2 &* c2
            k2 = rotateLeft(k2, 33)
            k2 = k2 &* c1
            h2 ^= k2
        }
        if rest > 0 {
            for index in stride(from: min(rest, 8) - 1, through: 0, by: -1) {
                k1 ^= signExtended(key[tail + index]) << UInt64(index * 8)
            }
            k1 = k1 &* c1
            k1 = rotateLeft(k1, 31)
            k1 = k1 &* c2
            h1 ^= k1
        }

        h1 ^= UInt64(length)
        h2 ^= UInt64(length)
        h1 = h1 &+ h2
        h2 = h2 &+ h1
        h1 = finalMix(h1)
        h2 = finalMix(h2)
        h1 = h1 &+ h2
        return Int64(bitPattern: h1)
    }

    /// Java's `(long) byte`: the byte as a signed value, widened with its sign.
    private static func signExtended(_ byte: UInt8) -> UInt64 {
        UInt64(bitPattern: Int64(Int8(bitPattern: byte)))
    }

    private static func littleEndian<Bytes: RandomAccessCollection<UInt8>>(
        _ key: Bytes,
        at offset: Int
    ) -> UInt64 where Bytes.Index == Int {
        var value: UInt64 = 0
        for index in (0..<8).reversed() {
            value = value << 8 | UInt64(key[offset + index])
        }
        return value
    }

    private static func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        value << count | value >> (64 - count)
    }

    private static func finalMix(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }
}
