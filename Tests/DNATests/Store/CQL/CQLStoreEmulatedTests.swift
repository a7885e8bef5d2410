import CQL
import DNA
import Foundation
import Testing

/// CQLStore against the in-test emulator: the store's statements and rounds, with no database.
@Suite("CQL store (emulated)", .timeLimit(.minutes(1)))
struct CQLStoreEmulatedTests {
    private func withStore(
        fenced: Bool = false,
        _ body: (CQLStore, CQLEmulator) async throws -> Void
    ) async throws {
        let emulator = try CQLEmulator()
        var settings = CQLStoreConfiguration(contactPoints: [CQLEndpoint(host: "127.0.0.1", port: emulator.port)])
        settings.fencedFlush = fenced
        let store = try await CQLStore.open(settings)
        do {
            try await body(store, emulator)
        } catch {
            await store.close()
            await emulator.shutdown()
            throw error
        }
        await store.close()
        await emulator.shutdown()
    }

    @Test("claims, releases and reclaims raise the epoch", arguments: [false, true])
    func directory(fenced: Bool) async throws {
        try await withStore(fenced: fenced) { store, _ in try await CQLStoreBehaviour.directoryLifecycle(store) }
    }

    @Test("a stale fence writes nothing", arguments: [false, true])
    func fencing(fenced: Bool) async throws {
        try await withStore(fenced: fenced) { store, _ in try await CQLStoreBehaviour.fencedMutations(store) }
    }

    @Test("lists follow UTF-8 order, bounds and cursors", arguments: [false, true])
    func lists(fenced: Bool) async throws {
        try await withStore(fenced: fenced) { store, _ in try await CQLStoreBehaviour.listsInUTF8Order(store) }
    }

    @Test("lists follow paging states across pages")
    func paging() async throws {
        try await withStore { store, _ in try await CQLStoreBehaviour.listsAcrossPages(store) }
    }

    @Test("membership rows")
    func membership() async throws {
        try await withStore { store, _ in try await CQLStoreBehaviour.membership(store) }
    }

    @Test("the schema is created once and its version recorded")
    func schema() async throws {
        try await withStore { store, emulator in
            let created = emulator.executed.filter { $0.text.hasPrefix("CREATE") }.map(\.text)
            #expect(
                created.first?.hasPrefix(
                    "CREATE KEYSPACE IF NOT EXISTS dna WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
                ) == true
            )
            #expect(created.filter { $0.hasPrefix("CREATE TABLE") }.count == 4)
            #expect(emulator.tables.withLock { $0.schema["dna"] } == 1)

            var settings = CQLStoreConfiguration(contactPoints: [CQLEndpoint(host: "127.0.0.1", port: emulator.port)])
            settings.keyspace = "dna"
            let again = try await CQLStore.open(settings)
            await again.close()
            #expect(emulator.executed.filter { $0.text.hasPrefix("CREATE KEYSPACE") }.count == 1)

            emulator.tables.withLock { $0.schema["dna"] = 2 }
            await #expect {
                try await CQLStore.open(settings)
            } throws: { error in
                (error as? DNAError)?.code == .corruptData
            }
        }
    }

    @Test("a claim whose Paxos round timed out is settled by a serial read")
    func unknownClaimOutcome() async throws {
        try await withStore { store, emulator in
            let applied = CQLStoreBehaviour.name()
            emulator.inject(.applyThenTimeOut)
            let won = try await store.claim(applied, for: CQLStoreBehaviour.node(1))
            #expect(won == Ownership(node: CQLStoreBehaviour.node(1), epoch: 1))

            let lost = CQLStoreBehaviour.name()
            emulator.inject(.timeOutWithoutApplying)
            let retried = try await store.claim(lost, for: CQLStoreBehaviour.node(1))
            #expect(retried == Ownership(node: CQLStoreBehaviour.node(1), epoch: 1))

            emulator.inject(.applyThenTimeOut)
            let released = try await store.release(applied, owner: CQLStoreBehaviour.node(1))
            #expect(released)
            let after = try await store.owner(of: applied)
            #expect(after == nil)
        }
    }

    @Test("ownership is read at serial consistency and decided by lightweight transactions")
    func consistencies() async throws {
        try await withStore { store, emulator in
            let name = CQLStoreBehaviour.name()
            _ = try await store.claim(name, for: CQLStoreBehaviour.node(1))
            _ = try await store.owner(of: name)

            let log = emulator.executed
            let reads = log.filter { $0.text.hasPrefix("SELECT owner, epoch FROM dna.dna_directory") }
            #expect(reads.count == 2)
            #expect(reads.allSatisfy { $0.consistency == .serial })
            let claims = log.filter { $0.text.hasPrefix("INSERT INTO dna.dna_directory") }
            #expect(claims.count == 1)
            #expect(claims.first?.text.hasSuffix("IF NOT EXISTS") == true)
            #expect(claims.allSatisfy { $0.consistency == .quorum && $0.serialConsistency == .serial })
        }
    }

    @Test("the default flush is a plain directory read then an unlogged batch with a rising client timestamp")
    func checkedFlush() async throws {
        try await withStore { store, emulator in
            let name = CQLStoreBehaviour.name()
            let fence = try await store.claim(name, for: CQLStoreBehaviour.node(1))
            let before = emulator.executed.count
            try await store.mutate(name, fence: fence, writes: [StoredWrite(module: "m", key: "a", value: [1])])
            try await store.mutate(name, fence: fence, writes: [StoredWrite(module: "m", key: "a", value: [2])])

            let flush = Array(emulator.executed.dropFirst(before))
            #expect(flush.count == 4)
            #expect(flush[0].text.hasPrefix("SELECT owner, epoch") && flush[0].consistency == .quorum)
            #expect(flush[1].batchKind == 1 && flush[1].serialConsistency == nil)
            let first = try #require(flush[1].timestamp)
            let second = try #require(flush[3].timestamp)
            #expect(second > first)
        }
    }

    @Test("the fenced flush is one conditional batch once the partition's fence is raised")
    func fencedFlush() async throws {
        try await withStore(fenced: true) { store, emulator in
            let name = CQLStoreBehaviour.name()
            let fence = try await store.claim(name, for: CQLStoreBehaviour.node(1))
            try await store.mutate(name, fence: fence, writes: [StoredWrite(module: "m", key: "a", value: [1])])
            let before = emulator.executed.count
            try await store.mutate(name, fence: fence, writes: [StoredWrite(module: "m", key: "a", value: [2])])

            let flush = Array(emulator.executed.dropFirst(before))
            #expect(flush.count == 2)
            #expect(flush.allSatisfy { $0.batchKind == 1 && $0.serialConsistency == .serial && $0.timestamp == nil })
            #expect(flush[0].text.contains("IF fence = ?"))
            #expect(try await store.get(name, module: "m", key: "a") == [2])
        }
    }

    @Test("a node runs actors on the CQL store")
    func node() async throws {
        let emulator = try CQLEmulator()
        let store = StoreConfiguration.cql(
            CQLStoreConfiguration(contactPoints: [CQLEndpoint(host: "127.0.0.1", port: emulator.port)])
        )
        let node = try await TestNodes.start(store: store)
        let ledger = node.actor(Ledger.self, key: "cql")
        #expect(try await ledger.call(.add(2)) == .total(2))
        #expect(try await ledger.call(.add(3)) == .total(5))
        await node.shutdown()

        let again = try await TestNodes.start(store: store)
        #expect(try await again.actor(Ledger.self, key: "cql").call(.total) == .total(5))
        await again.shutdown()
        await emulator.shutdown()
    }
}
