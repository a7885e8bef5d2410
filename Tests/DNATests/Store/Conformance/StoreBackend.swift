import CQL
import Foundation
import Testing

@testable import DNA

/// One store implementation that the conformance suite runs against.
///
/// Adding a backend is one line in ``all``: a name and a function that opens a fresh, empty store (or says
/// why it cannot, in which case the backend's cases are skipped with that reason).
struct StoreBackend: Sendable, CustomTestStringConvertible {
    let name: String

    /// Whether a flush is fenced by the claim's epoch alone. Every claim raises the epoch, so an epoch names
    /// one claim and its owner; such a backend accepts a made-up fence of the current epoch with another node,
    /// which no node can hold. The CQL store's fence is a single static epoch column.
    var fencesByEpochOnly = false

    let open: @Sendable () async throws -> StoreFixture

    init(name: String, fencesByEpochOnly: Bool = false, open: @escaping @Sendable () async throws -> StoreFixture) {
        self.name = name
        self.fencesByEpochOnly = fencesByEpochOnly
        self.open = open
    }

    var testDescription: String { name }

    /// Every backend of the conformance suite.
    static let all: [StoreBackend] = [.memory, .sqlite, .postgres, .cql, .cqlEmulator]

    static let memory = StoreBackend(name: "memory") {
        StoreFixture(store: MemoryStore())
    }

    static let sqlite = StoreBackend(name: "sqlite") {
        let directory = try TemporaryDirectory()
        let store = try await SQLiteStore.open(path: directory.path("conformance.db"))
        return StoreFixture(store: store) { _ = directory }  // keeps the directory until the fixture ends
    }

    static let postgres = StoreBackend(name: "postgres") {
        switch await PostgresTestServer.status() {
        case .unavailable(let reason):
            throw StoreFixture.Unavailable(reason: "PostgreSQL: \(reason)")
        case .failed(let reason):
            throw DNAError(.storeUnavailable, reason)
        case .running(let url):
            let configuration = PostgresTestServer.configuration(url: url)
            let store = try await PostgresStore.open(configuration)
            return StoreFixture(store: store, control: PostgresServerControl(configuration: configuration)) {
                try? await PostgresStore.dropSchema(configuration)
            }
        }
    }

    /// The CQL store on a live ScyllaDB or Cassandra named by `DNA_CQL_CONTACT_POINTS`, in a keyspace of its
    /// own that is dropped afterwards.
    ///
    /// With the fenced flush: the default flush reads the directory and then writes, so a reclaim between the
    /// two is resolved by cell timestamps rather than refused (docs/scylladb.md), which the contract's
    /// flush-racing-a-reclaim case does not allow.
    static let cql = StoreBackend(name: "cql", fencesByEpochOnly: true) {
        guard LiveCQL.contactPoints != nil else {
            throw StoreFixture.Unavailable(
                reason: "CQL: set DNA_CQL_CONTACT_POINTS=host:port to run against a live ScyllaDB or Cassandra"
            )
        }
        let settings = try LiveCQL.settings(
            keyspace: "dna_conformance_" + UUID().uuidString.prefix(8).lowercased(),
            fenced: false
        )
        let store = try await CQLStore.open(settings)
        return StoreFixture(store: store) {
            // The fixture's store is closed by now: a short-lived one drops the keyspace.
            if let dropper = try? await CQLStore.open(settings) {
                _ = try? await dropper.client.query("DROP KEYSPACE IF EXISTS \(settings.keyspace)")
                await dropper.close()
            }
        }
    }

    /// The CQL store, with the fenced flush, against the in-test emulator, which understands only the store's
    /// own statements: it checks the store's logic, not a database.
    static let cqlEmulator = StoreBackend(name: "cql-emulator", fencesByEpochOnly: true) {
        let emulator = try CQLEmulator()
        var settings = CQLStoreConfiguration(contactPoints: [CQLEndpoint(host: "127.0.0.1", port: emulator.port)])
        settings.fencedFlush = true
        let store = try await CQLStore.open(settings)
        return StoreFixture(store: store) { await emulator.shutdown() }
    }
}

/// A store opened for one test case, with what the backend offers beyond the contract.
final class StoreFixture: Sendable {
    /// Why a backend cannot run here; its cases are skipped.
    struct Unavailable: Error {
        var reason: String
    }

    let store: any Store

    /// Stops, watches and kills the store's statements on its server, where the backend has one.
    let control: (any StoreServerControl)?

    private let cleanup: @Sendable () async -> Void

    init(
        store: any Store,
        control: (any StoreServerControl)? = nil,
        cleanup: @escaping @Sendable () async -> Void = {}
    ) {
        self.store = store
        self.control = control
        self.cleanup = cleanup
    }

    func close() async {
        // A test that failed while it held a lock would otherwise leave the store's statements waiting.
        try? await control?.unblock()
        await store.close()
        await cleanup()
    }

    /// The server control, or a skip of the current test case when the backend has none.
    func requireControl(_ backend: StoreBackend) throws -> any StoreServerControl {
        guard let control else {
            try Self.skip("the \(backend.name) store has no server whose connections a test could stop")
        }
        return control
    }

    /// Skips the current test case, saying why in the output (a cancelled case alone shows as passed).
    static func skip(_ reason: String) throws -> Never {
        Issue.record("skipped: \(reason)", severity: .warning)
        try Test.cancel("\(reason)")
    }
}

/// The statements of a store that tests stop and watch.
enum StoreStatementKind: Sendable, CustomStringConvertible {
    case mutate
    case reclaim

    var description: String {
        switch self {
        case .mutate: "mutate"
        case .reclaim: "reclaim"
        }
    }
}

/// What a backend with a server offers the tests of operations that wait for each other or die midway.
protocol StoreServerControl: Sendable {
    /// Holds a lock on the item `key` of `name`, so that a mutate writing that key stops there and waits.
    func blockItem(_ name: ActorName, module: String, key: String) async throws

    /// Lets the lock go.
    func unblock() async throws

    /// Whether one of the store's statements of that kind is waiting for a lock.
    func isWaiting(_ statement: StoreStatementKind) async throws -> Bool

    /// Waits (with a deadline) until one of the store's statements of that kind waits for a lock.
    func waitUntilWaiting(_ statement: StoreStatementKind) async throws

    /// Kills the connection of the store's statements of that kind that wait for a lock.
    func killWaiting(_ statement: StoreStatementKind) async throws
}

extension StoreBackend {
    /// Runs `body` with a fresh store of this backend, and closes it afterwards; skips when the backend
    /// cannot run here.
    func withStore(_ body: (StoreFixture) async throws -> Void) async throws {
        let fixture: StoreFixture
        do {
            fixture = try await open()
        } catch let unavailable as StoreFixture.Unavailable {
            try StoreFixture.skip(unavailable.reason)
        }
        do {
            try await body(fixture)
        } catch {
            await fixture.close()
            throw error
        }
        await fixture.close()
    }
}
