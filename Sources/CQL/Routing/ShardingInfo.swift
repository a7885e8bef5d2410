/// How a ScyllaDB node splits its tokens among its shards (CPU cores), as SUPPORTED announces it.
///
/// Absent on Cassandra: a connection to a server that announces no `SCYLLA_*` keys has no sharding info and
/// routing stops at the node.
public struct ShardingInfo: Sendable, Hashable {
    /// The shard the announcing connection is served by.
    public var shard: Int

    /// How many shards the node has.
    public var shardCount: Int

    /// The number of most significant token bits the algorithm ignores.
    public var ignoreMostSignificantBits: Int

    /// The port where the client's local port chooses the shard, if the node has one.
    public var shardAwarePort: Int?

    public init(shard: Int, shardCount: Int, ignoreMostSignificantBits: Int, shardAwarePort: Int? = nil) {
        self.shard = shard
        self.shardCount = shardCount
        self.ignoreMostSignificantBits = ignoreMostSignificantBits
        self.shardAwarePort = shardAwarePort
    }

    /// Reads the sharding keys of a SUPPORTED response.
    ///
    /// - Returns: `nil` unless the node announces a shard count and the `biased-token-round-robin` algorithm.
    public init?(supported: CQLSupportedOptions) {
        guard let shard = supported.integer("SCYLLA_SHARD"), let count = supported.integer("SCYLLA_NR_SHARDS"),
            count > 0, (0..<count).contains(shard),
            supported["SCYLLA_SHARDING_ALGORITHM"].first == "biased-token-round-robin"
        else {
            return nil
        }
        let ignored = supported.integer("SCYLLA_SHARDING_IGNORE_MSB") ?? 12
        guard (0..<64).contains(ignored) else {
            return nil
        }
        self.init(
            shard: shard,
            shardCount: count,
            ignoreMostSignificantBits: ignored,
            shardAwarePort: supported.integer("SCYLLA_SHARD_AWARE_PORT")
        )
    }

    /// The shard that owns `token`: the token biased to unsigned, shifted left by the ignored bits, then scaled
    /// to the shard count by a 64×64→128-bit multiplication.
    public func shard(of token: Int64) -> Int {
        Self.shard(of: token, shardCount: shardCount, ignoreMostSignificantBits: ignoreMostSignificantBits)
    }

    /// The shard of `token` on a node with `shardCount` shards.
    public static func shard(of token: Int64, shardCount: Int, ignoreMostSignificantBits: Int) -> Int {
        var biased = UInt64(bitPattern: token) &+ (1 << 63)
        biased <<= UInt64(ignoreMostSignificantBits)
        return Int(biased.multipliedFullWidth(by: UInt64(shardCount)).high)
    }
}
