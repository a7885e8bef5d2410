import DNA
import Testing

@Suite("Key-value lists merge staged and durable items")
struct ListMergeTests {
    /// Durable a/1, a/3, a/5, b/1; staged: a/2 and a/4 set, a/3 deleted, c/1 set.
    private func mixed() async throws -> KeyValueFixture {
        let fixture = try await KeyValueFixture()
        try await fixture.seed(["a/1", "a/3", "a/5", "b/1"])
        try fixture.storage.set("a/2", to: 20)
        try fixture.storage.set("a/4", to: 40)
        try fixture.storage.delete("a/3")
        try fixture.storage.set("c/1", to: 10)
        return fixture
    }

    @Test("a prefix list merges staged sets and hides staged deletes, in key order")
    func prefix() async throws {
        let fixture = try await mixed()
        let page = try await fixture.storage.list(prefix: "a/", as: Int.self)

        #expect(page.map(\.key) == ["a/1", "a/2", "a/4", "a/5"])
        #expect(page.map(\.value) == [0, 20, 40, 2])
        #expect(page.nextCursor == nil)
    }

    @Test("a range list includes its lower bound and excludes its upper bound")
    func range() async throws {
        let fixture = try await mixed()
        let page = try await fixture.storage.list(from: "a/2", to: "a/5", as: Int.self)

        #expect(page.map(\.key) == ["a/2", "a/4"])
        #expect(try await fixture.storage.list(from: "a/5", to: nil, as: Int.self).map(\.key) == ["a/5", "b/1", "c/1"])
    }

    @Test("a limit cuts the page and its cursor resumes after it")
    func limitAndCursor() async throws {
        let fixture = try await mixed()
        let first = try await fixture.storage.list(prefix: "a/", limit: 2, as: Int.self)
        let second = try await fixture.storage.list(prefix: "a/", after: first.nextCursor, limit: 2, as: Int.self)

        #expect(first.map(\.key) == ["a/1", "a/2"])
        #expect(first.nextCursor == "a/2")
        #expect(second.map(\.key) == ["a/4", "a/5"])
    }

    @Test("staged deletes of the first durable keys do not shrink the page")
    func deletesHideDurableKeys() async throws {
        let fixture = try await KeyValueFixture()
        try await fixture.seed(["k1", "k2", "k3", "k4", "k5"])
        for key in ["k1", "k2", "k3"] {
            try fixture.storage.delete(key)
        }

        #expect(try await fixture.keys(limit: 1) == ["k4"])
        #expect(try await fixture.keys(limit: 5) == ["k4", "k5"])
    }

    @Test("paging with a small limit visits every merged key once, in order")
    func pagingVisitsEverything() async throws {
        let fixture = try await KeyValueFixture()
        let durable = (0..<30).filter { $0 % 2 == 0 }.map { "p/\(100 + $0)" }
        try await fixture.seed(durable)
        var expected = Set(durable)
        for number in stride(from: 1, to: 30, by: 4) {
            try fixture.storage.set("p/\(100 + number)", to: number)
            expected.insert("p/\(100 + number)")
        }
        for number in stride(from: 0, to: 30, by: 6) {
            try fixture.storage.delete("p/\(100 + number)")
            expected.remove("p/\(100 + number)")
        }

        var seen: [String] = []
        var cursor: String?
        for _ in 0..<100 {
            let page = try await fixture.storage.list(prefix: "p/", after: cursor, limit: 3, as: Int.self)
            #expect(page.count <= 3)
            seen += page.map(\.key)
            cursor = page.nextCursor
            if cursor == nil {
                break
            }
        }

        #expect(cursor == nil)
        #expect(seen == expected.sorted())
    }
}
