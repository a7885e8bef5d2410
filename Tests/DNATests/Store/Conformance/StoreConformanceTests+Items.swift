import DNA
import Testing

extension StoreConformanceTests {
    /// Claims a fresh name for node 1 and returns it with its fence.
    static func claimedName(_ store: any Store, _ label: String = "items") async throws -> (ActorName, Ownership) {
        let name = freshName(label)
        return (name, try await store.claim(name, for: node(1)))
    }

    @Test("a mutate applies its sets and deletes together; the last write of a key wins", arguments: StoreBackend.all)
    func mutateAppliesAll(backend: StoreBackend) async throws {
        try await backend.withStore { fixture in
            let store = fixture.store
            let (name, fence) = try await Self.claimedName(store)
            try await store.mutate(
                name,
                fence: fence,
                writes: [
                    StoredWrite(module: "m", key: "keep", value: [1]),
                    StoredWrite(module: "m", key: "gone", value: [2]),
                    StoredWrite(module: "other", key: "keep", value: [3]),
                    StoredWrite(module: "m", key: "empty", value: []),
                ]
            )
            try await store.mutate(
                name,
                fence: fence,
                writes: [
                    StoredWrite(module: "m", key: "gone", value: nil),
                    StoredWrite(module: "m", key: "twice", value: [4]),
                    StoredWrite(module: "m", key: "twice", value: [5]),
                    StoredWrite(module: "m", key: "set-then-delete", value: [6]),
                    StoredWrite(module: "m", key: "set-then-delete", value: nil),
                    StoredWrite(module: "m", key: "absent", value: nil),
                ]
            )
            #expect(try await store.get(name, module: "m", key: "keep") == [1])
            #expect(try await store.get(name, module: "m", key: "gone") == nil)
            #expect(try await store.get(name, module: "other", key: "keep") == [3])
            #expect(try await store.get(name, module: "m", key: "empty") == [], "an empty value is not an absent one")
            #expect(try await store.get(name, module: "m", key: "twice") == [5])
            #expect(try await store.get(name, module: "m", key: "set-then-delete") == nil)
            let keys = try await store.list(name, module: "m", query: .prefix("", limit: 100)).map(\.key)
            #expect(keys == ["empty", "keep", "twice"])

            let elsewhere = Self.freshName()
            #expect(try await store.get(elsewhere, module: "m", key: "keep") == nil, "items belong to one actor")
        }
    }

    @Test("readers never see part of a mutate", arguments: StoreBackend.all)
    func mutateIsAtomicForReaders(backend: StoreBackend) async throws {
        try await backend.withStore { fixture in
            let store = fixture.store
            let (name, fence) = try await Self.claimedName(store)
            let keys = (0..<300).map { "k\($0)" }
            let generations = 15

            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for generation in 1...generations {
                        let writes = keys.map { StoredWrite(module: "m", key: $0, value: [UInt8(generation)]) }
                        try await store.mutate(name, fence: fence, writes: writes)
                    }
                }
                group.addTask {
                    var last = 0
                    while last < generations {
                        let items = try await store.list(name, module: "m", query: .prefix("", limit: 1000))
                        let seen = Set(items.map { $0.value.first ?? 0 })
                        #expect(items.isEmpty || items.count == keys.count)
                        #expect(seen.count <= 1, "one list saw generations \(seen.sorted())")
                        last = Int(seen.first ?? 0)
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("a mutate whose connection dies midway leaves nothing, and the store recovers", arguments: StoreBackend.all)
    func mutateInterrupted(backend: StoreBackend) async throws {
        try await backend.withStore { fixture in
            let control = try fixture.requireControl(backend)
            let store = fixture.store
            let (name, fence) = try await Self.claimedName(store)
            // Large enough to span two statements on PostgreSQL; the blocked key is in the second.
            let writes = (0..<15_000).map { index in
                StoredWrite(module: "m", key: "k\(100_000 + index)", value: Array(repeating: 7, count: 100))
            }
            try await control.blockItem(name, module: "m", key: "k112000")

            let flush = Task { try await store.mutate(name, fence: fence, writes: writes) }
            try await control.waitUntilWaiting(.mutate)
            try await control.killWaiting(.mutate)
            let error = await #expect(throws: DNAError.self) { try await flush.value }
            #expect(error?.code == .storeUnavailable)
            try await control.unblock()

            #expect(try await store.list(name, module: "m", query: .prefix("", limit: 10)).isEmpty)
            #expect(try await store.get(name, module: "m", key: "k100000") == nil)

            // Every connection of the pool serves again; the broken one is replaced on its next use.
            for round in 0..<6 {
                let write = StoredWrite(module: "m", key: "after", value: [UInt8(round)])
                try await store.mutate(name, fence: fence, writes: [write])
                #expect(try await store.get(name, module: "m", key: "after") == [UInt8(round)])
            }
        }
    }

    @Test("a reclaim waits for a flush in progress of the same name", arguments: StoreBackend.all)
    func reclaimWaitsForFlush(backend: StoreBackend) async throws {
        try await backend.withStore { fixture in
            let control = try fixture.requireControl(backend)
            let store = fixture.store
            let (name, fence) = try await Self.claimedName(store)
            let keys = (0..<5_000).map { "k\(100_000 + $0)" }
            try await control.blockItem(name, module: "m", key: "k102500")

            let flush = Task {
                try await store.mutate(
                    name,
                    fence: fence,
                    writes: keys.map { StoredWrite(module: "m", key: $0, value: [1]) }
                )
            }
            try await control.waitUntilWaiting(.mutate)
            let reclaim = Task { try await store.reclaim(name, from: fence.node, to: Self.node(2)) }

            // The flush has checked its fence and written half its rows. Were the reclaim to commit now, the
            // rest of the flush would land after it: it must wait for the flush instead.
            try await control.waitUntilWaiting(.reclaim)
            try await control.unblock()
            try await flush.value
            let moved = try #require(try await reclaim.value)
            #expect(moved == Ownership(node: Self.node(2), epoch: fence.epoch + 1))
            #expect(try await store.list(name, module: "m", query: .prefix("", limit: 10_000)).count == keys.count)
        }
    }

    @Test("values of the maximum size and keys of the maximum length round-trip", arguments: StoreBackend.all)
    func largestValues(backend: StoreBackend) async throws {
        try await backend.withStore { fixture in
            let store = fixture.store
            let (name, fence) = try await Self.claimedName(store)
            let limits = StorageLimits.standard
            let value = (0..<limits.maxValueBytes).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
            let longKey = String(repeating: "é", count: limits.maxKeyBytes / 2)
            let module = String(repeating: "m", count: limits.maxModuleNameBytes)
            try await store.mutate(
                name,
                fence: fence,
                writes: [
                    StoredWrite(module: module, key: "big", value: value),
                    StoredWrite(module: module, key: longKey, value: [1, 2, 3]),
                    StoredWrite(module: module, key: "also-big", value: value.reversed()),
                ]
            )
            #expect(try await store.get(name, module: module, key: "big") == value)
            #expect(try await store.get(name, module: module, key: longKey) == [1, 2, 3])
            let listed = try await store.list(name, module: module, query: .prefix("", limit: 10))
            #expect(listed.map(\.key) == ["also-big", "big", longKey])
            #expect(listed.first?.value == value.reversed())
        }
    }

    @Test("lists follow the UTF-8 byte order of keys, with prefixes, ranges and pages", arguments: StoreBackend.all)
    func listOrder(backend: StoreBackend) async throws {
        try await backend.withStore { fixture in
            let store = fixture.store
            let (name, fence) = try await Self.claimedName(store)
            let keys = [
                "a", "a/b", "ab", "abc", "b", "B", "Z", "~", "é", "ée", "日本", "日本語", "😀", "\u{FFFD}", "\u{10FFFF}",
                "a\u{7F}", "a ", "", "Ω", "ǅ",
            ]
            try await store.mutate(
                name,
                fence: fence,
                writes: keys.map { StoredWrite(module: "m", key: $0, value: Array($0.utf8)) }
            )
            try await store.mutate(name, fence: fence, writes: [StoredWrite(module: "n", key: "a", value: [0])])
            let sorted = keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }

            let all = try await store.list(name, module: "m", query: .prefix("", limit: 100))
            #expect(all.map(\.key) == sorted)
            #expect(all.allSatisfy { $0.value == Array($0.key.utf8) })

            let prefixed = try await store.list(name, module: "m", query: .prefix("a", limit: 100)).map(\.key)
            #expect(prefixed == sorted.filter { $0.hasPrefix("a") })
            let japanese = try await store.list(name, module: "m", query: .prefix("日本", limit: 100)).map(\.key)
            #expect(japanese == ["日本", "日本語"])
            let top = try await store.list(name, module: "m", query: .prefix("\u{10FFFF}", limit: 100)).map(\.key)
            #expect(top == ["\u{10FFFF}"])

            let range = ListQuery(lowerBound: "ab", upperBound: "é", limit: 100)
            let ranged = try await store.list(name, module: "m", query: range).map(\.key)
            #expect(ranged == sorted.filter { range.contains($0) })
            #expect(ranged.first == "ab" && !ranged.contains("é"), "the lower bound is included, the upper one not")

            var paged: [String] = []
            var cursor: String?
            repeat {
                let page = try await store.list(name, module: "m", query: .prefix("", after: cursor, limit: 3))
                #expect(page.count <= 3)
                paged += page.map(\.key)
                cursor = page.count == 3 ? page.last?.key : nil
            } while cursor != nil
            #expect(paged == sorted)

            let behind = ListQuery(lowerBound: "b", upperBound: nil, after: "a", limit: 100)
            #expect(
                try await store.list(name, module: "m", query: behind).map(\.key)
                    == sorted.filter { behind.contains($0) }
            )
            let ahead = ListQuery(lowerBound: "a", upperBound: "b", after: "ab", limit: 2)
            let aheadKeys = Array(sorted.filter { ahead.contains($0) }.prefix(2))
            #expect(aheadKeys.count == 2)
            #expect(try await store.list(name, module: "m", query: ahead).map(\.key) == aheadKeys)
            #expect(try await store.list(name, module: "m", query: .prefix("", limit: 0)).isEmpty)
            #expect(try await store.list(name, module: "n", query: .prefix("", limit: 100)).map(\.key) == ["a"])
        }
    }
}
