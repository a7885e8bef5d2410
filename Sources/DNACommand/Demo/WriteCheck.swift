/// Compares what the gateways acknowledged with what the actors hold once the workload has stopped.
enum WriteCheck {
    /// The counters compared with their tallies.
    struct Counters: Equatable, Sendable {
        /// Counters read and within their bounds.
        var held: Int = 0
        /// Counters below the sum of their acknowledged adds: acknowledged writes were lost.
        var lost: [String] = []
        /// Counters above the sum of every add sent: some add was applied twice.
        var excess: [String] = []
        /// Counters that could not be read back.
        var unread: [String] = []

        var passed: Bool { lost.isEmpty && excess.isEmpty && unread.isEmpty }
        var total: Int { held + lost.count + excess.count + unread.count }
    }

    /// The acknowledged kv puts compared with the items read back.
    struct Puts: Equatable, Sendable {
        /// Acknowledged puts read back with their value.
        var held: Int = 0
        /// Acknowledged puts whose item is gone, as `map/item`.
        var missing: [String] = []
        /// Acknowledged puts whose item holds another value, as `map/item`.
        var changed: [String] = []
        /// Acknowledged puts in maps that could not be read back.
        var unread: Int = 0

        var passed: Bool { missing.isEmpty && changed.isEmpty && unread == 0 }
        var total: Int { held + missing.count + changed.count + unread }
    }

    /// Checks every counter's reading against its tally: no lower than the acknowledged adds, no higher than
    /// every add sent.
    ///
    /// - Parameters:
    ///   - tallies: By counter key.
    ///   - readings: The totals read back, by counter key; a counter missing here could not be read.
    static func counters(_ tallies: [String: CounterTally], readings: [String: Int64]) -> Counters {
        var result = Counters()
        for (key, tally) in tallies.sorted(by: { $0.key < $1.key }) {
            guard let reading = readings[key] else {
                result.unread.append(key)
                continue
            }
            if reading < tally.acknowledged {
                result.lost.append(key)
            } else if reading > tally.attempted {
                result.excess.append(key)
            } else {
                result.held += 1
            }
        }
        return result
    }

    /// Checks that every acknowledged put reads back with its value. Items nobody acknowledged may be there
    /// or not: a put without an answer may have landed.
    ///
    /// - Parameters:
    ///   - acknowledged: map key → item → value.
    ///   - readings: The items read back, by map key; a map missing here could not be read.
    static func puts(_ acknowledged: [String: [String: String]], readings: [String: [String: String]]) -> Puts {
        var result = Puts()
        for (map, items) in acknowledged.sorted(by: { $0.key < $1.key }) {
            guard let stored = readings[map] else {
                result.unread += items.count
                continue
            }
            for (item, value) in items.sorted(by: { $0.key < $1.key }) {
                switch stored[item] {
                case value?:
                    result.held += 1
                case nil:
                    result.missing.append("\(map)/\(item)")
                default:
                    result.changed.append("\(map)/\(item)")
                }
            }
        }
        return result
    }
}
