import CQL
import Testing

@testable import DNA

@Suite("CQL store configuration and schema choices")
struct CQLStoreConfigurationTests {
    @Test("a cql:// URL with hosts, keyspace and every option")
    func fullURL() throws {
        let parsed = try CQLStoreConfiguration.parse(
            url: "cql://10.0.0.1:9043,[::1],db.example/dna_prod?user=dna&password-file=/run/pw&datacenter=dc1"
                + "&replication=dc1:3,dc2:2&fenced-flush=true&timeout=2.5&serial-consistency=serial"
        )
        let settings = parsed.configuration
        #expect(
            settings.contactPoints == [
                CQLEndpoint(host: "10.0.0.1", port: 9043), CQLEndpoint(host: "::1", port: 9042),
                CQLEndpoint(host: "db.example", port: 9042),
            ]
        )
        #expect(settings.keyspace == "dna_prod")
        #expect(settings.username == "dna")
        #expect(parsed.passwordFile == "/run/pw")
        #expect(settings.datacenter == "dc1")
        #expect(settings.consistency == .localQuorum)
        #expect(settings.serialConsistency == .serial)
        #expect(settings.replication == .networkTopology(["dc1": 3, "dc2": 2]))
        #expect(settings.fencedFlush)
        #expect(settings.requestTimeout == .milliseconds(2500))
        #expect(settings.description == "cql://10.0.0.1:9043,[::1]:9042,db.example:9042/dna_prod")
    }

    @Test("defaults without a datacenter")
    func defaults() throws {
        let settings = try CQLStoreConfiguration.parse(url: "cql://localhost/dna").configuration
        #expect(settings.consistency == .quorum)
        #expect(settings.serialConsistency == .serial)
        #expect(settings.replication == .automatic)
        #expect(!settings.fencedFlush)
        #expect(
            try CQLStoreConfiguration.parse(url: "cql://h/k?consistency=local_one").configuration.consistency
                == .localOne
        )
    }

    @Test(
        "malformed URLs are refused with a reason",
        arguments: [
            "sqlite:x", "cql://", "cql://host", "cql://host/", "cql:///dna", "cql://host:99999/dna",
            "cql://host/bad-name", "cql://host/dna?consistency=serial", "cql://host/dna?serial-consistency=quorum",
            "cql://host/dna?replication=simple:0", "cql://host/dna?replication=dc1", "cql://host/dna?fenced-flush=yes",
            "cql://host/dna?timeout=-1", "cql://host/dna?colour=blue",
        ]
    )
    func malformed(url: String) {
        #expect(throws: DNAError.self) { try CQLStoreConfiguration.parse(url: url) }
    }

    @Test("automatic replication follows the hosts the client sees")
    func replication() {
        let hosts = [
            CQLHost(address: "a", port: 1, datacenter: "dc1"), CQLHost(address: "b", port: 1, datacenter: "dc1"),
            CQLHost(address: "c", port: 1, datacenter: "dc2"), CQLHost(address: "d", port: 1, datacenter: "dc2"),
        ]
        #expect(
            CQLSchema.replicationMap(.automatic, datacenter: nil, hosts: hosts)
                == "{'class': 'SimpleStrategy', 'replication_factor': 3}"
        )
        #expect(
            CQLSchema.replicationMap(.automatic, datacenter: "dc1", hosts: hosts)
                == "{'class': 'NetworkTopologyStrategy', 'dc1': 2}"
        )
        #expect(
            CQLSchema.replicationMap(.networkTopology(["b": 1, "a": 3]), datacenter: nil, hosts: [])
                == "{'class': 'NetworkTopologyStrategy', 'a': 3, 'b': 1}"
        )
        #expect(
            CQLSchema.replicationMap(.automatic, datacenter: nil, hosts: [])
                == "{'class': 'SimpleStrategy', 'replication_factor': 1}"
        )
    }

    @Test("tablets are turned off only on tablets-capable ScyllaDB older than 2025.4")
    func tablets() {
        let tablets = CQLSupportedOptions(entries: [("TABLETS_ROUTING_V1", []), ("SCYLLA_NR_SHARDS", ["2"])])
        let vnodesOnly = CQLSupportedOptions(entries: [("SCYLLA_NR_SHARDS", ["2"])])

        #expect(CQLSchema.tabletsDecision(supported: nil, version: nil).disable == false)
        #expect(CQLSchema.tabletsDecision(supported: vnodesOnly, version: "5.4.9").disable == false)
        #expect(CQLSchema.tabletsDecision(supported: tablets, version: "6.2.3").disable)
        #expect(CQLSchema.tabletsDecision(supported: tablets, version: "2025.1.4-0.20250101.abc").disable)
        #expect(CQLSchema.tabletsDecision(supported: tablets, version: "2025.3.0").disable)
        #expect(CQLSchema.tabletsDecision(supported: tablets, version: "2025.4.0").disable == false)
        #expect(CQLSchema.tabletsDecision(supported: tablets, version: "2026.1.0").disable == false)
        let unknown = CQLSchema.tabletsDecision(supported: tablets, version: nil)
        #expect(unknown.disable)
        #expect(unknown.reason?.contains("2025.4") == true)

        #expect(
            CQLSchema.createKeyspace("dna", replication: "{}", tabletsOff: true)
                == "CREATE KEYSPACE IF NOT EXISTS dna WITH replication = {} AND tablets = {'enabled': false}"
        )
    }

    @Test("a list's lower end is the tighter of its bound and its cursor")
    func listBounds() {
        #expect(ListLowerBound(ListQuery(limit: 1)).value == nil)
        guard case .inclusive("b") = ListLowerBound(ListQuery(lowerBound: "b", after: "a", limit: 1)) else {
            Issue.record("a cursor before the bound keeps the bound")
            return
        }
        guard case .exclusive("c") = ListLowerBound(ListQuery(lowerBound: "b", after: "c", limit: 1)) else {
            Issue.record("a cursor past the bound replaces it")
            return
        }
        guard case .exclusive("b") = ListLowerBound(ListQuery(lowerBound: "b", after: "b", limit: 1)) else {
            Issue.record("a cursor on the bound excludes it")
            return
        }
        let statements = CQLStatements(keyspace: "k")
        #expect(
            statements.listItems(lower: .exclusive("x"), hasUpper: true)
                == "SELECT item, value FROM k.dna_items WHERE namespace = ? AND type = ? AND key = ? AND module = ?"
                + " AND item > ? AND item < ? LIMIT ?"
        )
    }
}
