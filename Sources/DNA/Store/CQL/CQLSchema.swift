import CQL

/// The keyspace and tables of the CQL store, and the choices made when creating them.
///
/// The directory is keyed by the whole actor name, so that claims of one type spread over the ring rather
/// than contend on one Paxos partition. Items are keyed by the actor name, then module and item key, so that
/// one instance's data is one partition and its flush one single-partition batch; `fence` is the
/// partition's static fencing epoch, used only by fenced flushes.
enum CQLSchema {
    /// The schema version this build writes and understands.
    static let version: Int32 = 1

    static func tables(_ keyspace: String) -> [String] {
        [
            """
            CREATE TABLE IF NOT EXISTS \(keyspace).dna_members (
                cluster text, node text, address text, http_address text, heartbeat bigint, load bigint,
                resident_actors bigint, draining boolean, PRIMARY KEY ((cluster), node))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(keyspace).dna_directory (
                namespace text, type text, key text, owner text, epoch bigint,
                PRIMARY KEY ((namespace, type, key)))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(keyspace).dna_items (
                namespace text, type text, key text, module text, item text, value blob, fence bigint static,
                PRIMARY KEY ((namespace, type, key), module, item))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(keyspace).dna_schema (component text PRIMARY KEY, version int)
            """,
        ]
    }

    /// The replication map in CQL, resolving `automatic` from the hosts the client sees.
    static func replicationMap(
        _ replication: CQLStoreConfiguration.Replication,
        datacenter: String?,
        hosts: [CQLHost]
    ) -> String {
        switch replication {
        case .simple(let factor):
            return "{'class': 'SimpleStrategy', 'replication_factor': \(factor)}"
        case .networkTopology(let factors):
            let entries = factors.sorted { $0.key < $1.key }.map { "'\($0.key)': \($0.value)" }
            return "{'class': 'NetworkTopologyStrategy', \(entries.joined(separator: ", "))}"
        case .automatic:
            if let datacenter {
                let count = hosts.filter { $0.datacenter == datacenter }.count
                return "{'class': 'NetworkTopologyStrategy', '\(datacenter)': \(min(3, max(1, count)))}"
            }
            return "{'class': 'SimpleStrategy', 'replication_factor': \(min(3, max(1, hosts.count)))}"
        }
    }

    /// Whether to create the keyspace with tablets disabled, and why.
    ///
    /// ScyllaDB announces `TABLETS_ROUTING_V1` when it supports tablets; from some versions new keyspaces use
    /// them by default, and lightweight transactions on tablets are supported only from ScyllaDB 2025.4. On an
    /// older tablets-capable ScyllaDB (or one whose version cannot be read) tablets are turned off.
    static func tabletsDecision(supported: CQLSupportedOptions?, version: String?) -> (disable: Bool, reason: String?) {
        guard let supported, supported.entries["TABLETS_ROUTING_V1"] != nil else {
            return (false, nil)
        }
        guard let version, let (year, minor) = yearVersion(version) else {
            return (
                true,
                "ScyllaDB supports tablets but its version (\(version ?? "unknown")) could not be read; "
                    + "lightweight transactions need vnodes before 2025.4, so the keyspace is created with tablets off"
            )
        }
        if year > 2025 || (year == 2025 && minor >= 4) {
            return (false, nil)
        }
        return (
            true,
            "ScyllaDB \(version) does not support lightweight transactions on tablets (they need 2025.4), "
                + "so the keyspace is created with tablets off"
        )
    }

    /// `(2025, 1)` from `2025.1.3-0.2025…`; versions numbered 5.x or 6.x are older than any year-numbered one.
    static func yearVersion(_ version: String) -> (Int, Int)? {
        let parts = version.split(whereSeparator: { $0 == "." || $0 == "-" })
        guard parts.count >= 2, let major = Int(parts[0]), let minor = Int(parts[1]) else {
            return nil
        }
        return major < 2000 ? (0, 0) : (major, minor)
    }

    static func createKeyspace(_ keyspace: String, replication: String, tabletsOff: Bool) -> String {
        "CREATE KEYSPACE IF NOT EXISTS \(keyspace) WITH replication = \(replication)"
            + (tabletsOff ? " AND tablets = {'enabled': false}" : "")
    }
}
