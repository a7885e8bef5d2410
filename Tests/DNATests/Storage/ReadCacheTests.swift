import Testing

@testable import DNA

@Suite("ReadCache")
struct ReadCacheTests {
    @Test("tells a cached value, a key known absent and an uncached key apart")
    func lookups() {
        var cache = ReadCache()
        #expect(cache.isEmpty)
        cache.remember("present", [1], limit: 10)
        #expect(cache.lookup("present") == .some([1]))
        #expect(cache.lookup("other") == nil)

        cache.remember("absent", nil, limit: 10)
        #expect(cache.lookup("absent") == .some(nil))
        #expect(cache.lookup("present") == .some([1]))
        #expect(!cache.isEmpty)
    }

    @Test("updates only the keys it holds")
    func updates() {
        var cache = ReadCache()
        cache.remember("a", [1], limit: 10)
        cache.updateIfCached("a", [2])
        cache.updateIfCached("b", [3])
        #expect(cache.lookup("a") == .some([2]))
        #expect(cache.lookup("b") == nil)

        cache.remember("c", nil, limit: 10)
        cache.updateIfCached("c", [4])
        cache.updateIfCached("d", [5])
        #expect(cache.lookup("c") == .some([4]))
        #expect(cache.lookup("d") == nil)
    }

    @Test("empties itself when a new key would pass the limit")
    func limit() {
        var cache = ReadCache()
        for index in 0..<3 {
            cache.remember("k\(index)", [UInt8(index)], limit: 3)
        }
        #expect(cache.lookup("k0") == .some([0]))
        cache.remember("k3", [3], limit: 3)
        #expect(cache.lookup("k0") == nil)
        #expect(cache.lookup("k3") == .some([3]))

        var single = ReadCache()
        single.remember("x", [1], limit: 1)
        single.remember("y", [2], limit: 1)
        #expect(single.lookup("x") == nil)
        #expect(single.lookup("y") == .some([2]))
    }
}
