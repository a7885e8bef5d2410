import CQL
import DNA
import Foundation
import Testing

/// The store contract as CQLStore must honour it, written once and run against the emulator and, when
/// `DNA_CQL_CONTACT_POINTS` is set, against a live ScyllaDB or Cassandra.
enum CQLStoreBehaviour {
    static func node(_ random: UInt64) -> NodeID {
        NodeID(startedAtMillis: 1_700_000_000_000, random: random)
    }

    static func name(_ key: String = UUID().uuidString) -> ActorName {
        ActorName(namespace: "test", type: "cql.behaviour", key: key)
    }

    static func directoryLifecycle(_ store: any Store) async throws {
        let name = Self.name()
        let a = node(1)
        let b = node(2)

        #expect(try await store.owner(of: name) == nil)
        let first = try await store.claim(name, for: a)
        #expect(first == Ownership(node: a, epoch: 1))
        #expect(try await store.claim(name, for: b) == first)
        #expect(try await store.owner(of: name) == first)

        #expect(try await store.release(name, owner: b) == false)
        #expect(try await store.release(name, owner: a) == true)
        #expect(try await store.owner(of: name) == nil)

        let second = try await store.claim(name, for: b)
        #expect(second == Ownership(node: b, epoch: 2))
        #expect(try await store.reclaim(name, from: a, to: a) == second)
        let third = try await store.reclaim(name, from: b, to: a)
        #expect(third == Ownership(node: a, epoch: 3))
        #expect(try await store.release(name, owner: a) == true)
        #expect(try await store.reclaim(name, from: a, to: b) == nil)
        #expect(try await store.claim(name, for: b) == Ownership(node: b, epoch: 4))
    }

    static func fencedMutations(_ store: any Store) async throws {
        let name = Self.name()
        let old = try await store.claim(name, for: node(1))
        try await store.mutate(name, fence: old, writes: [StoredWrite(module: "m", key: "k", value: [1])])
        #expect(try await store.get(name, module: "m", key: "k") == [1])

        let new = try #require(try await store.reclaim(name, from: node(1), to: node(2)))
        await #expect {
            try await store.mutate(name, fence: old, writes: [StoredWrite(module: "m", key: "k", value: [2])])
        } throws: { error in
            (error as? DNAError)?.code == .fenced
        }
        #expect(try await store.get(name, module: "m", key: "k") == [1])

        try await store.mutate(
            name,
            fence: new,
            writes: [StoredWrite(module: "m", key: "k", value: [3]), StoredWrite(module: "m", key: "gone", value: nil)]
        )
        #expect(try await store.get(name, module: "m", key: "k") == [3])

        try await store.mutate(name, fence: new, writes: [StoredWrite(module: "m", key: "k", value: nil)])
        #expect(try await store.get(name, module: "m", key: "k") == nil)
        try await store.mutate(name, fence: new, writes: [StoredWrite(module: "m", key: "empty", value: [])])
        #expect(try await store.get(name, module: "m", key: "empty") == [])

        let stranger = Self.name()
        await #expect {
            try await store.mutate(stranger, fence: new, writes: [StoredWrite(module: "m", key: "k", value: [9])])
        } throws: { error in
            (error as? DNAError)?.code == .fenced
        }
    }

    static func listsInUTF8Order(_ store: any Store) async throws {
        let name = Self.name()
        let fence = try await store.claim(name, for: node(1))
        let keys = ["b", "a", "ab", "é", "z", "ä", "\u{10000}", "a/1", "a/2", "b/1"]
        var writes = keys.map { StoredWrite(module: "m", key: $0, value: Array($0.utf8)) }
        writes.append(StoredWrite(module: "other", key: "a/3", value: [0]))
        try await store.mutate(name, fence: fence, writes: writes)

        let all = try await store.list(name, module: "m", query: ListQuery(limit: 100)).map(\.key)
        #expect(all == keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })

        let prefixed = try await store.list(name, module: "m", query: .prefix("a/", limit: 10)).map(\.key)
        #expect(prefixed == ["a/1", "a/2"])
        let resumed = try await store.list(name, module: "m", query: .prefix("a/", after: "a/1", limit: 10))
        #expect(resumed.map(\.key) == ["a/2"])
        #expect(resumed.first?.value == Array("a/2".utf8))

        let range = ListQuery(lowerBound: "ab", upperBound: "z", limit: 3)
        #expect(try await store.list(name, module: "m", query: range).map(\.key) == ["ab", "b", "b/1"])
        let cursorBeforeRange = ListQuery(lowerBound: "b", upperBound: nil, after: "a", limit: 2)
        #expect(try await store.list(name, module: "m", query: cursorBeforeRange).map(\.key) == ["b", "b/1"])
        #expect(try await store.list(name, module: "m", query: ListQuery(limit: 0)).isEmpty)
    }

    static func listsAcrossPages(_ store: any Store) async throws {
        let name = Self.name()
        let fence = try await store.claim(name, for: node(1))
        let keys = (0..<1_250).map { String(format: "k%05d", $0) }
        try await store.mutate(name, fence: fence, writes: keys.map { StoredWrite(module: "m", key: $0, value: [1]) })

        let page = try await store.list(name, module: "m", query: ListQuery(limit: 1_200))
        #expect(page.map(\.key) == Array(keys.prefix(1_200)))
        let rest = try await store.list(name, module: "m", query: ListQuery(after: page.last?.key, limit: 1_000))
        #expect(rest.map(\.key) == Array(keys.suffix(50)))
    }

    static func membership(_ store: any Store) async throws {
        let cluster = "c-\(UUID().uuidString.prefix(8))"
        let one = MemberRecord(cluster: cluster, node: node(1), address: "10.0.0.1:7000", heartbeat: 1)
        var two = MemberRecord(
            cluster: cluster,
            node: node(2),
            address: "10.0.0.2:7000",
            httpAddress: "h",
            heartbeat: 5
        )
        two.load = 3
        two.residentActors = 4
        two.draining = true
        try await store.upsertMember(one)
        try await store.upsertMember(two)
        var bumped = one
        bumped.heartbeat = 2
        try await store.upsertMember(bumped)

        let members = try await store.listMembers(cluster: cluster).sorted { $0.node < $1.node }
        #expect(members == [bumped, two])
        try await store.deleteMember(cluster: cluster, node: node(1))
        #expect(try await store.listMembers(cluster: cluster) == [two])
        #expect(try await store.listMembers(cluster: cluster + "-none").isEmpty)
    }
}
