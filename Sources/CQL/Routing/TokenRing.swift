/// The ring of tokens and the hosts that own them, for token-aware routing.
///
/// The replicas of a token are found by walking the ring clockwise from the first token at or after it and
/// collecting distinct hosts: the first is the primary replica. With SimpleStrategy the first
/// `replication_factor` hosts are exactly the replicas; with NetworkTopologyStrategy, the walk restricted to
/// one datacenter gives that datacenter's replicas when racks are not used.
struct TokenRing: Sendable {
    /// Ring positions sorted by token: the token and the index of its host in ``hosts``.
    private let positions: [(token: Int64, host: Int)]
    let hosts: [CQLEndpoint]

    init(hosts: [CQLHost]) {
        self.hosts = hosts.map(\.endpoint)
        var positions: [(token: Int64, host: Int)] = []
        for (index, host) in hosts.enumerated() {
            for token in host.tokens {
                positions.append((token, index))
            }
        }
        positions.sort { $0.token < $1.token }
        self.positions = positions
    }

    var isEmpty: Bool { positions.isEmpty }

    /// The hosts in ring order from the owner of `token`, each once, keeping those `include` accepts.
    func replicas(of token: Int64, where include: (CQLEndpoint) -> Bool = { _ in true }) -> [CQLEndpoint] {
        guard !positions.isEmpty else {
            return []
        }
        var start = firstIndex(atOrAfter: token)
        if start == positions.count {
            start = 0
        }

        var seen = Set<Int>()
        var ordered: [CQLEndpoint] = []
        var index = start
        repeat {
            let host = positions[index].host
            if seen.insert(host).inserted, include(hosts[host]) {
                ordered.append(hosts[host])
            }
            if seen.count == hosts.count {
                break
            }
            index = (index + 1) % positions.count
        } while index != start
        return ordered
    }

    /// The first position whose token is at least `token` (binary search).
    private func firstIndex(atOrAfter token: Int64) -> Int {
        var low = 0
        var high = positions.count
        while low < high {
            let middle = (low + high) / 2
            if positions[middle].token < token {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}
