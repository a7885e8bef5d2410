import Testing

@testable import DNA

@Suite("DirectoryCache")
struct DirectoryCacheTests {
    private static let a = NodeID(startedAtMillis: 1, random: 1)
    private static let b = NodeID(startedAtMillis: 2, random: 2)

    private static func name(_ key: String) -> ActorName {
        ActorName(type: "kv", key: key)
    }

    @Test("remembers the owner of each name, the latest one winning")
    func remembers() {
        let cache = DirectoryCache()
        #expect(cache.owner(of: Self.name("x")) == nil)
        cache.remember(Ownership(node: Self.a, epoch: 1), for: Self.name("x"))
        cache.remember(Ownership(node: Self.b, epoch: 1), for: Self.name("y"))
        cache.remember(Ownership(node: Self.b, epoch: 2), for: Self.name("x"))
        #expect(cache.owner(of: Self.name("x")) == Ownership(node: Self.b, epoch: 2))
        #expect(cache.owner(of: Self.name("y")) == Ownership(node: Self.b, epoch: 1))
    }

    @Test("a stale entry is dropped on a 'not here' answer, but an entry learned meanwhile stays")
    func forgetIfStill() {
        let cache = DirectoryCache()
        let stale = Ownership(node: Self.a, epoch: 1)
        let fresh = Ownership(node: Self.b, epoch: 2)
        cache.remember(stale, for: Self.name("x"))
        cache.forget(Self.name("x"), ifStill: stale)
        #expect(cache.owner(of: Self.name("x")) == nil)

        cache.remember(fresh, for: Self.name("x"))
        cache.forget(Self.name("x"), ifStill: stale)
        #expect(cache.owner(of: Self.name("x")) == fresh)
    }

    @Test("forget and removeAll drop entries unconditionally")
    func forgetAll() {
        let cache = DirectoryCache()
        for key in ["x", "y", "z"] {
            cache.remember(Ownership(node: Self.a, epoch: 1), for: Self.name(key))
        }
        cache.forget(Self.name("x"))
        #expect(cache.owner(of: Self.name("x")) == nil)
        #expect(cache.owner(of: Self.name("y")) != nil)
        cache.removeAll()
        #expect(cache.owner(of: Self.name("y")) == nil && cache.owner(of: Self.name("z")) == nil)
    }

    @Test("beyond its capacity it starts afresh, while updating a known name never evicts")
    func bounded() {
        let cache = DirectoryCache(capacity: 3)
        for key in ["a", "b", "c"] {
            cache.remember(Ownership(node: Self.a, epoch: 1), for: Self.name(key))
        }
        cache.remember(Ownership(node: Self.b, epoch: 2), for: Self.name("a"))
        #expect(cache.owner(of: Self.name("c")) != nil)

        cache.remember(Ownership(node: Self.a, epoch: 1), for: Self.name("d"))
        #expect(cache.owner(of: Self.name("d")) != nil)
        #expect(["a", "b", "c"].allSatisfy { cache.owner(of: Self.name($0)) == nil })
    }
}
