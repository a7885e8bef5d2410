import Foundation
import Testing

@testable import DNA

/// One store implementation that the conformance suite runs against.
///
/// Adding a backend is one line in ``all``: a name and a function that opens a fresh, empty store (or says
/// why it cannot, in which case the backend's cases are skipped with that reason).
struct StoreBackend: Sendable, CustomTestStringConvertible {
    let name: String
    let open: @Sendable () async throws -> StoreFixture

    var testDescription: String { name }

    /// Every backend of the conformance suite.
    static let all: [StoreBackend] = [.memory, .sqlite, .postgres, .cql]

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
            return StoreFixture(store: store, interrupter: PostgresInterrupter(configuration: configuration)) {
                try? await PostgresStore.dropSchema(configuration)
            }
        }
    }

    /// The slot of the CQL (ScyllaDB/Cassandra) store, filled when that backend lands.
    static let cql = StoreBackend(name: "cql") {
        throw StoreFixture.Unavailable(reason: "CQL: this build has no CQL store yet")
    }
}

/// A store opened for one test case, with what the backend offers beyond the contract.
final class StoreFixture: Sendable {
    /// Why a backend cannot run here; its cases are skipped.
    struct Unavailable: Error {
        var reason: String
    }

    let store: any Store

    /// Kills the backend's connection in the middle of a mutate, where the backend has connections to kill.
    let interrupter: (any MutateInterrupter)?

    private let cleanup: @Sendable () async -> Void

    init(
        store: any Store,
        interrupter: (any MutateInterrupter)? = nil,
        cleanup: @escaping @Sendable () async -> Void = {}
    ) {
        self.store = store
        self.interrupter = interrupter
        self.cleanup = cleanup
    }

    func close() async {
        await store.close()
        await cleanup()
    }
}

/// What a backend with server connections does for the test of a mutate whose connection dies midway.
protocol MutateInterrupter: Sendable {
    /// Holds a lock on the item `key` of `name` so that a mutate writing that key stops there and waits.
    func blockItem(_ name: ActorName, module: String, key: String) async throws

    /// Waits until a mutate is waiting for that lock, then kills its connection.
    func killWaitingMutate() async throws

    /// Lets the lock go.
    func unblock() async throws
}

extension StoreBackend {
    /// Runs `body` with a fresh store of this backend, and closes it afterwards; skips when the backend
    /// cannot run here.
    func withStore(_ body: (StoreFixture) async throws -> Void) async throws {
        let fixture: StoreFixture
        do {
            fixture = try await open()
        } catch let unavailable as StoreFixture.Unavailable {
            Issue.record("skipped: \(unavailable.reason)", severity: .warning)
            try Test.cancel("\(unavailable.reason)")
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
