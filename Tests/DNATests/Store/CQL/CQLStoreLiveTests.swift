import CQL
import Foundation
import Testing

@testable import DNA

/// CQLStore against a live ScyllaDB or Cassandra named by `DNA_CQL_CONTACT_POINTS` (`host:port[,host:port]`),
/// with `DNA_CQL_USER`, `DNA_CQL_PASSWORD` and `DNA_CQL_DATACENTER` when needed. Each run uses a keyspace of
/// its own and drops it afterwards.
@Suite(
    "CQL store (live server)",
    .enabled(
        if: LiveCQL.contactPoints != nil,
        "set DNA_CQL_CONTACT_POINTS=host:port to run these against a live ScyllaDB or Cassandra"
    ),
    .timeLimit(.minutes(5))
)
struct CQLStoreLiveTests {
    @Test("claims, releases and reclaims raise the epoch", arguments: [false, true])
    func directory(fenced: Bool) async throws {
        try await LiveCQL.withStore(fenced: fenced) { try await CQLStoreBehaviour.directoryLifecycle($0) }
    }

    @Test("a stale fence writes nothing", arguments: [false, true])
    func fencing(fenced: Bool) async throws {
        try await LiveCQL.withStore(fenced: fenced) { try await CQLStoreBehaviour.fencedMutations($0) }
    }

    @Test("lists follow UTF-8 order, bounds and cursors", arguments: [false, true])
    func lists(fenced: Bool) async throws {
        try await LiveCQL.withStore(fenced: fenced) { try await CQLStoreBehaviour.listsInUTF8Order($0) }
    }

    @Test("lists follow paging states across pages")
    func paging() async throws {
        try await LiveCQL.withStore(fenced: false) { try await CQLStoreBehaviour.listsAcrossPages($0) }
    }

    @Test("membership rows")
    func membership() async throws {
        try await LiveCQL.withStore(fenced: false) { try await CQLStoreBehaviour.membership($0) }
    }

    @Test("two nodes on one keyspace: a name claimed by one is not claimed by the other")
    func twoNodes() async throws {
        try await LiveCQL.withStore(fenced: false) { store in
            let settings = try LiveCQL.settings(keyspace: store.settingsKeyspace, fenced: false)
            let first = try await TestNodes.start(store: .cql(settings))
            let second = try await TestNodes.start(store: .cql(settings))
            #expect(try await first.actor(Ledger.self, key: "shared").call(.add(1)) == .total(1))
            await #expect(throws: DNAError.self) {
                try await second.actor(Ledger.self, key: "shared").call(.add(1))
            }
            await first.shutdown()
            #expect(try await second.actor(Ledger.self, key: "shared").call(.add(1)) == .total(2))
            await second.shutdown()
        }
    }
}

enum LiveCQL {
    static var contactPoints: [CQLEndpoint]? {
        guard let text = ProcessInfo.processInfo.environment["DNA_CQL_CONTACT_POINTS"], !text.isEmpty else {
            return nil
        }
        return text.split(separator: ",").compactMap { CQLEndpoint(parsing: String($0)) }
    }

    static func settings(keyspace: String, fenced: Bool) throws -> CQLStoreConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let points = try #require(contactPoints)
        var settings = CQLStoreConfiguration(
            contactPoints: points,
            keyspace: keyspace,
            datacenter: environment["DNA_CQL_DATACENTER"]
        )
        settings.username = environment["DNA_CQL_USER"]
        settings.password = environment["DNA_CQL_PASSWORD"]
        settings.fencedFlush = fenced
        settings.requestTimeout = .seconds(30)
        return settings
    }

    static func withStore(fenced: Bool, _ body: (CQLStore) async throws -> Void) async throws {
        let keyspace = "dna_test_" + UUID().uuidString.prefix(8).lowercased()
        let store = try await CQLStore.open(try settings(keyspace: keyspace, fenced: fenced))
        do {
            try await body(store)
        } catch {
            await drop(store)
            throw error
        }
        await drop(store)
    }

    private static func drop(_ store: CQLStore) async {
        _ = try? await store.client.query("DROP KEYSPACE IF EXISTS \(store.settingsKeyspace)")
        await store.close()
    }
}
