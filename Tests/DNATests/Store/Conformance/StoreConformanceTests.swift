import DNA
import Testing

/// The store contract, run against every backend in ``StoreBackend/all``.
///
/// Each test case opens a fresh store of one backend; backends whose server is not configured are skipped
/// with the reason. The directory tests are in this file; items and membership in the extensions beside it.
@Suite("Store conformance", .timeLimit(.minutes(2)))
struct StoreConformanceTests {
    static let type = ActorType("conformance.actor")

    /// A name no other test case uses.
    static func freshName(_ label: String = "actor") -> ActorName {
        ActorName(type: type, key: "\(label)-\(UInt64.random(in: 0...UInt64.max))")
    }

    static func node(_ index: UInt64) -> NodeID {
        NodeID(startedAtMillis: 1_700_000_000_000 + Int64(index), random: index &* 0x9E37_79B9_7F4A_7C15)
    }

    @Test("many tasks racing to claim one name produce exactly one winner", arguments: StoreBackend.all)
    func claimRace(backend: StoreBackend) async throws {
        try await backend.withStore { fixture in
            let store = fixture.store
            for round in 0..<5 {
                let name = Self.freshName("race\(round)")
                let racers = (0..<24).map { Self.node(UInt64(round * 100 + $0)) }
                let results = try await withThrowingTaskGroup(of: (NodeID, Ownership).self) { group in
                    for racer in racers {
                        group.addTask { (racer, try await store.claim(name, for: racer)) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }

                let winners = Set(results.filter { $0.0 == $0.1.node }.map(\.0))
                #expect(winners.count == 1)
                #expect(Set(results.map(\.1)).count == 1, "every racer must hear of the same owner and epoch")
                #expect(results.first?.1.epoch == 1)
                #expect(try await store.owner(of: name) == results.first?.1)
            }
        }
    }

    @Test("claiming an owned name returns the owner and leaves the epoch alone", arguments: StoreBackend.all)
    func claimOwned(backend: StoreBackend) async throws {
        try await backend.withStore { fixture in
            let store = fixture.store
            let name = Self.freshName()
            #expect(try await store.owner(of: name) == nil)
            let first = try await store.claim(name, for: Self.node(1))
            #expect(first == Ownership(node: Self.node(1), epoch: 1))
            #expect(try await store.claim(name, for: Self.node(2)) == first)
            #expect(try await store.claim(name, for: Self.node(1)) == first)
            #expect(try await store.owner(of: name) == first)
        }
    }

    @Test("reclaim succeeds only against the expected old owner", arguments: StoreBackend.all)
    func reclaim(backend: StoreBackend) async throws {
        try await backend.withStore { fixture in
            let store = fixture.store
            let (a, b, c) = (Self.node(1), Self.node(2), Self.node(3))
            let name = Self.freshName()
            #expect(try await store.reclaim(name, from: a, to: b) == nil, "nobody owns a name never claimed")

            let claimed = try await store.claim(name, for: a)
            #expect(try await store.reclaim(name, from: c, to: b) == claimed, "c is not the owner: nothing moves")
            #expect(try await store.owner(of: name) == claimed)

            let moved = try await store.reclaim(name, from: a, to: b)
            #expect(moved == Ownership(node: b, epoch: claimed.epoch + 1))
            #expect(try await store.owner(of: name) == moved)
            #expect(try await store.reclaim(name, from: a, to: c) == moved, "a no longer owns it")

            try await store.release(name, owner: b)
            #expect(try await store.reclaim(name, from: b, to: c) == nil, "a released name has no owner to replace")
        }
    }

    @Test("racing reclaims from one dead owner produce exactly one winner", arguments: StoreBackend.all)
    func reclaimRace(backend: StoreBackend) async throws {
        try await backend.withStore { fixture in
            let store = fixture.store
            let name = Self.freshName()
            let dead = Self.node(1)
            let claimed = try await store.claim(name, for: dead)
            let racers = (10..<30).map { Self.node(UInt64($0)) }
            let results = try await withThrowingTaskGroup(of: (NodeID, Ownership?).self) { group in
                for racer in racers {
                    group.addTask { (racer, try await store.reclaim(name, from: dead, to: racer)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let winners = results.filter { $0.0 == $0.1?.node }
            #expect(winners.count == 1)
            #expect(Set(results.map(\.1)).count == 1)
            #expect(winners.first?.1?.epoch == claimed.epoch + 1)
        }
    }

    @Test("release works only for the owner and keeps the epoch", arguments: StoreBackend.all)
    func release(backend: StoreBackend) async throws {
        try await backend.withStore { fixture in
            let store = fixture.store
            let (a, b) = (Self.node(1), Self.node(2))
            let name = Self.freshName()
            #expect(try await store.release(name, owner: a) == false, "nothing to release")

            let claimed = try await store.claim(name, for: a)
            #expect(try await store.release(name, owner: b) == false)
            #expect(try await store.owner(of: name) == claimed)

            #expect(try await store.release(name, owner: a) == true)
            #expect(try await store.owner(of: name) == nil)
            #expect(try await store.release(name, owner: a) == false, "released twice")

            let next = try await store.claim(name, for: b)
            #expect(next == Ownership(node: b, epoch: claimed.epoch + 1), "the epoch survives the release")
        }
    }

    @Test("the epoch rises with every claim and a flush with a stale epoch is refused", arguments: StoreBackend.all)
    func fencing(backend: StoreBackend) async throws {
        try await backend.withStore { fixture in
            let store = fixture.store
            let (a, b) = (Self.node(1), Self.node(2))
            let name = Self.freshName()
            let write = [StoredWrite(module: "m", key: "k", value: [1])]

            await #expect(throws: DNAError.self) {
                try await store.mutate(name, fence: Ownership(node: a, epoch: 1), writes: write)
            }

            var epochs: [Int64] = []
            var fences: [Ownership] = []
            for round in 0..<4 {
                let node = round % 2 == 0 ? a : b
                let fence = try await store.claim(name, for: node)
                epochs.append(fence.epoch)
                fences.append(fence)
                try await store.mutate(
                    name,
                    fence: fence,
                    writes: [StoredWrite(module: "m", key: "k", value: [UInt8(round)])]
                )
                try await store.release(name, owner: node)
            }
            #expect(epochs == [1, 2, 3, 4])

            let current = try await store.claim(name, for: a)
            #expect(current.epoch == 5)
            let impostor = backend.fencesByEpochOnly ? [] : [Ownership(node: b, epoch: 5)]
            for stale in fences + impostor + [Ownership(node: a, epoch: 4), Ownership(node: a, epoch: 6)] {
                let error = await #expect(throws: DNAError.self) {
                    try await store.mutate(
                        name,
                        fence: stale,
                        writes: [StoredWrite(module: "m", key: "k", value: [99])]
                    )
                }
                #expect(error?.code == .fenced)
            }
            #expect(try await store.get(name, module: "m", key: "k") == [3], "refused flushes wrote nothing")

            let moved = try await store.reclaim(name, from: a, to: b)
            let error = await #expect(throws: DNAError.self) {
                try await store.mutate(name, fence: current, writes: [StoredWrite(module: "m", key: "new", value: [1])])
            }
            #expect(error?.code == .fenced, "a reclaim fences the old owner")
            #expect(try await store.get(name, module: "m", key: "new") == nil)
            if let moved {
                try await store.mutate(name, fence: moved, writes: write)
                #expect(try await store.get(name, module: "m", key: "k") == [1])
            }
            #expect(moved?.epoch == 6)
        }
    }

    @Test("a flush racing a reclaim either lands before it or is refused", arguments: StoreBackend.all)
    func flushRacingReclaim(backend: StoreBackend) async throws {
        try await backend.withStore { fixture in
            let store = fixture.store
            let (a, b) = (Self.node(1), Self.node(2))
            for round in 0..<8 {
                let name = Self.freshName("flush-race-\(round)")
                let fence = try await store.claim(name, for: a)
                let keys = (0..<5_000).map { "k" + String(100_000 + $0) }
                let last = try #require(keys.last)
                let flush = Task {
                    do {
                        try await store.mutate(
                            name,
                            fence: fence,
                            writes: keys.map { StoredWrite(module: "m", key: $0, value: [1]) }
                        )
                        return true
                    } catch let error as DNAError where error.code == .fenced {
                        return false
                    }
                }

                // The new owner writes the key the old flush writes last. Had the old flush landed after the
                // reclaim, it could overwrite the new owner's value.
                let moved = try #require(try await store.reclaim(name, from: a, to: b))
                #expect(moved.node == b)
                try await store.mutate(name, fence: moved, writes: [StoredWrite(module: "m", key: last, value: [2])])
                let landed = try await flush.value

                let items = try await store.list(name, module: "m", query: .prefix("", limit: 10_000))
                #expect(items.count == (landed ? keys.count : 1), "a flush is all or nothing")
                #expect(
                    try await store.get(name, module: "m", key: last) == [2],
                    "the old owner wrote after the reclaim"
                )
            }
        }
    }
}
