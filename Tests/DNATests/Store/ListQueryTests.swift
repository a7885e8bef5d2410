import Testing

@testable import DNA

@Suite("List queries and key order")
struct ListQueryTests {
    @Test("keys order by UTF-8 bytes, not by Swift's string comparison")
    func keyOrder() {
        #expect(KeyOrder.less("Z", "a"))
        #expect(KeyOrder.less("a", "aa"))
        #expect(!KeyOrder.less("a", "a"))
        #expect(KeyOrder.less("z", "é"))
        // Canonically equivalent strings are equal to Swift but are different keys.
        #expect("e\u{301}" == "\u{E9}")
        #expect(KeyOrder.less("e\u{301}", "\u{E9}"))
        // UTF-8 order is scalar order; UTF-16 order would put the astral scalar first.
        #expect(KeyOrder.less("\u{FFFF}", "\u{10000}"))
    }

    @Test(
        "the upper bound of a prefix is the prefix with its last scalar raised",
        arguments: [
            ("ab", "ac"),
            ("a/", "a0"),
            ("\u{D7FF}", "\u{E000}"),
            ("a\u{10FFFF}", "b"),
            ("\u{10FFFF}", nil),
            ("", nil),
        ] as [(String, String?)]
    )
    func prefixUpperBound(prefix: String, bound: String?) {
        #expect(ListQuery.upperBound(ofPrefix: prefix) == bound)
    }

    @Test("a prefix query contains exactly the keys that start with the prefix")
    func prefixContains() {
        let query = ListQuery.prefix("ab", limit: 10)

        for key in ["ab", "ab\u{0}", "abc", "ab\u{10FFFF}"] {
            #expect(query.contains(key), "\(key.debugDescription) is missing")
        }
        for key in ["a", "aa\u{10FFFF}", "ac", "b", ""] {
            #expect(!query.contains(key), "\(key.debugDescription) is included")
        }
        #expect(ListQuery.prefix("", limit: 1).contains(""))
    }

    @Test("a range includes its lower bound, excludes its upper bound, and a cursor excludes itself")
    func rangeAndCursor() {
        let query = ListQuery(lowerBound: "b", upperBound: "d", after: "b1", limit: 10)

        #expect(!query.contains("b"))
        #expect(!query.contains("b1"))
        #expect(query.contains("b2"))
        #expect(query.contains("c"))
        #expect(!query.contains("d"))
        #expect(ListQuery(lowerBound: "b", upperBound: "d", limit: 1).contains("b"))
    }

    @Test("the memory store lists in key order from the cursor, within the limit")
    func memoryStoreList() async throws {
        let fixture = try await KeyValueFixture()
        try await fixture.seed(["é", "z", "Z", "a", "a/1", "a/2", "b"])

        let all = try await fixture.store.list(fixture.name, module: "items", query: ListQuery(limit: 100))
        let page = try await fixture.store.list(
            fixture.name,
            module: "items",
            query: .prefix("a", after: "a", limit: 1)
        )

        #expect(all.map(\.key) == ["Z", "a", "a/1", "a/2", "b", "z", "é"])
        #expect(page.map(\.key) == ["a/1"])
    }
}
