extension SeveralHostsTests {
    /// Every write a gateway acknowledged, and the actors' keys by the host whose gateway first reached them.
    ///
    /// With the default `local` placement the first message's node claims the actor, so the actors first written
    /// through a host are the ones that host owns until it fails.
    struct AcknowledgedWrites: Sendable {
        /// A counter's additions: those acknowledged, and those that failed and so may or may not have landed.
        struct Counter: Sendable {
            var acknowledged: Int64 = 0
            var uncertain: Int64 = 0
        }

        var counters: [String: Counter] = [:]
        /// Map key → item → the acknowledged value.
        var items: [String: [String: String]] = [:]
        /// Host namespace → the counters and maps first written through it.
        var actorsFirstReachedThrough: [String: (counters: [String], maps: [String])] = [:]

        mutating func acknowledge(_ amount: Int64, to counter: String) {
            counters[counter, default: Counter()].acknowledged += amount
        }

        mutating func mayHaveAdded(_ amount: Int64, to counter: String) {
            counters[counter, default: Counter()].uncertain += amount
        }

        mutating func acknowledge(_ value: String, at item: String, in map: String) {
            items[map, default: [:]][item] = value
        }

        /// Adds the writes of `other`.
        mutating func merge(_ other: AcknowledgedWrites) {
            counters.merge(other.counters) { mine, theirs in
                Counter(
                    acknowledged: mine.acknowledged + theirs.acknowledged,
                    uncertain: mine.uncertain + theirs.uncertain
                )
            }
            items.merge(other.items) { mine, theirs in mine.merging(theirs) { $1 } }
        }

        /// Reads back every acknowledged write to the given actors (all by default) through `gateway`.
        ///
        /// - Throws: ``LostWrite`` when a value differs from what was acknowledged (a counter may also hold
        ///   additions that failed, since they may have landed); the gateway's error when a read fails.
        func verify(through gateway: HostGateway, counters keys: [String]? = nil, maps: [String]? = nil) async throws {
            for key in keys ?? Array(counters.keys) {
                let expected = counters[key] ?? Counter()
                let read = try await gateway.counter(key)
                guard (expected.acknowledged...(expected.acknowledged + expected.uncertain)).contains(read) else {
                    throw LostWrite(
                        description: "counter \(key) reads \(read) through \(gateway.address); acknowledged \(expected)"
                    )
                }
            }
            for map in maps ?? Array(items.keys) {
                for (item, value) in items[map] ?? [:] {
                    let read = try await gateway.get(item, in: map)
                    guard read == value else {
                        throw LostWrite(
                            description:
                                "\(map)/\(item) reads \(read ?? "nothing") through \(gateway.address); acknowledged \(value)"
                        )
                    }
                }
            }
        }
    }
}
