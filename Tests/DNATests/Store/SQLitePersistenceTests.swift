import DNA
import Foundation
import Testing

@Suite("SQLite persistence", .timeLimit(.minutes(1)))
struct SQLitePersistenceTests {
    @Test("data survives closing the file: another process reads the rows and a new node reloads the state")
    func survivesReopening() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("dna.db")
        let probe = Probe()

        let first = try await TestNodes.start(store: .sqlite(path: path))
        let handle = first.actor(Ledger.self, key: probe.key)
        #expect(try await handle.call(.add(5)) == .total(5))
        #expect(try await handle.call(.putBytes("raw", count: 3)) == .done)
        await first.shutdown()

        let rows = try await Self.readRows(path: path, key: probe.key)
        let total = try BinaryEncoder().encode(5).map { String(format: "%02X", $0) }.joined()
        #expect(rows == ["entries|raw|070707", "state|total|\(total)"])

        let second = try await TestNodes.start(store: .sqlite(path: path))
        let reopened = second.actor(Ledger.self, key: probe.key)
        #expect(try await reopened.call(.total) == .total(5))
        #expect(try await reopened.call(.list(prefix: "", after: nil, limit: 10)) == .page(keys: ["raw"], next: nil))
        #expect(probe.initialisations.count == 2)
        await second.shutdown()
    }

    @Test("a store sees what another connection to the file wrote since, whatever it read before")
    func readersSeeOtherWriters() async throws {
        let directory = try TemporaryDirectory()
        let writer = try await SQLiteStore.open(path: directory.path("shared.db"))
        let reader = try await SQLiteStore.open(path: directory.path("shared.db"))
        let name = ActorName(type: "test.shared", key: "k")
        let node = NodeID.make()

        for heartbeat in Int64(1)...6 {
            // A read that stops on a row, on each reader connection, must not pin that connection's snapshot.
            _ = try await reader.owner(of: name)
            _ = try await reader.get(name, module: "m", key: "missing")
            try await writer.upsertMember(MemberRecord(cluster: "c", node: node, address: "a", heartbeat: heartbeat))
            let seen = try await reader.listMembers(cluster: "c").first?.heartbeat
            #expect(seen == heartbeat)
            #expect(try await reader.owner(of: name)?.epoch == (heartbeat == 1 ? nil : heartbeat - 1))
            _ = try await writer.release(name, owner: node)
            _ = try await writer.claim(name, for: node)
        }
        await writer.close()
        await reader.close()
    }

    /// The items of the actor with `key`, as `module|item|HEX`, read by a separate process.
    private static func readRows(path: String, key: String) async throws -> [String] {
        let query = "SELECT module, item, hex(value) FROM dna_items WHERE key = '\(key)' ORDER BY module, item"
        if let sqlite = ChildProcess.find("sqlite3") {
            let output = try await ChildProcess.run(sqlite, ["-readonly", path, query])
            return output.split(separator: "\n").map(String.init)
        }
        let python = try #require(ChildProcess.find("python3"), "neither sqlite3 nor python3 is installed")
        let script = """
            import sqlite3, sys
            for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
                print("|".join(row))
            """
        let output = try await ChildProcess.run(python, ["-c", script, path, query])
        return output.split(separator: "\n").map(String.init)
    }
}
