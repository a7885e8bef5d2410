import Testing

@testable import CQL

/// Token and shard vectors from NOTES.md §12–13 (checked there against the Python and Rust drivers).
@Suite struct Murmur3TokenTests {
    @Test(
        arguments: [
            ("test", -6_017_608_668_500_074_083),
            ("xd", 4_507_812_186_440_344_727),
            ("primary_key", -1_632_642_444_691_073_360),
            ("kremówki", 4_354_931_215_268_080_151),
        ] as [(String, Int64)]
    )
    func textKeys(key: String, token: Int64) {
        #expect(Murmur3Token.token(of: Array(key.utf8)) == token)
    }

    @Test func integerKeys() {
        #expect(Murmur3Token.token(of: CQLValue.int(42).bytes ?? []) == -7_160_136_740_246_525_330)
        #expect(Murmur3Token.token(of: CQLValue.bigint(42).bytes ?? []) == 8_623_491_988_607_824_794)
    }

    @Test func compositeKeys() {
        let intText = Murmur3Token.routingKey([hex("00000001"), Array("a".utf8)])
        #expect(intText == hex("0004000000010000016100"))
        #expect(Murmur3Token.token(of: intText) == 6_516_349_416_904_725_244)

        let textInt = Murmur3Token.routingKey([Array("user".utf8), hex("00000007")])
        #expect(textInt == hex("0004757365720000040000000700"))
        #expect(Murmur3Token.token(of: textInt) == -3_239_687_361_123_109_945)
    }

    @Test func tailBytesAreSignExtendedAndLongKeysMixBlocks() {
        // "kremówki" has a tail byte >= 0x80 (checked above); a 17-byte key exercises one block and a tail.
        let key = Array("0123456789abcdef\u{00e9}".utf8)
        #expect(key.count == 18)
        #expect(Murmur3Token.token(of: key) != Murmur3Token.token(of: Array(key.dropLast())))
        #expect(Murmur3Token.token(of: [UInt8]()) == 0)
    }

    @Test func shards() {
        #expect(ShardingInfo.shard(of: -9_219_783_007_514_621_794, shardCount: 4, ignoreMostSignificantBits: 12) == 3)
        #expect(ShardingInfo.shard(of: 9_222_582_454_147_032_830, shardCount: 4, ignoreMostSignificantBits: 12) == 3)

        let token = Murmur3Token.token(of: Array("test".utf8))
        let expected = [2: 1, 4: 3, 8: 6, 12: 9]
        for (count, shard) in expected {
            #expect(ShardingInfo.shard(of: token, shardCount: count, ignoreMostSignificantBits: 12) == shard)
        }
        #expect(ShardingInfo.shard(of: .min, shardCount: 7, ignoreMostSignificantBits: 0) == 0)
        #expect(ShardingInfo.shard(of: .max, shardCount: 7, ignoreMostSignificantBits: 0) == 6)
    }
}

@Suite struct ShardingInfoTests {
    @Test func inconsistentAnnouncementsAreIgnored() {
        func info(_ entries: [(String, [String])]) -> ShardingInfo? {
            ShardingInfo(supported: CQLSupportedOptions(entries: entries))
        }
        let algorithm = ("SCYLLA_SHARDING_ALGORITHM", ["biased-token-round-robin"])
        #expect(info([("SCYLLA_SHARD", ["4"]), ("SCYLLA_NR_SHARDS", ["4"]), algorithm]) == nil)
        #expect(info([("SCYLLA_SHARD", ["0"]), ("SCYLLA_NR_SHARDS", ["0"]), algorithm]) == nil)
        #expect(
            info([("SCYLLA_SHARD", ["0"]), ("SCYLLA_NR_SHARDS", ["2"]), ("SCYLLA_SHARDING_ALGORITHM", ["other"])])
                == nil
        )
        #expect(
            info([
                ("SCYLLA_SHARD", ["0"]), ("SCYLLA_NR_SHARDS", ["2"]), algorithm, ("SCYLLA_SHARDING_IGNORE_MSB", ["64"]),
            ])
                == nil
        )
        #expect(
            info([("SCYLLA_SHARD", ["1"]), ("SCYLLA_NR_SHARDS", ["2"]), algorithm])?.ignoreMostSignificantBits == 12
        )
    }
}
