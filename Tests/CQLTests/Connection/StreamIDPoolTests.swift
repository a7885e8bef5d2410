import Testing

@testable import CQL

@Suite struct StreamIDPoolTests {
    @Test func lowestFreeIDFirstAndExhaustion() {
        var pool = StreamIDPool(capacity: 130)
        let ids = (0..<130).compactMap { _ in pool.allocate() }
        #expect(ids == (0..<130).map { Int16($0) })
        #expect(pool.allocate() == nil)

        let released = pool.release(65)
        let releasedAgain = pool.release(65)
        #expect(released)
        #expect(!releasedAgain)
        #expect(pool.allocate() == 65)
        #expect(pool.inUse == 130)
    }

    @Test func orphanedIDsStayTakenUntilReleased() {
        var pool = StreamIDPool(capacity: 4)
        let first = pool.allocate()
        #expect(first == 0)
        pool.orphan(0)
        #expect(pool.isOrphaned(0))
        #expect(pool.waiting == 0)
        #expect(pool.allocate() == 1)

        pool.release(0)
        #expect(!pool.isOrphaned(0))
        #expect(pool.orphanCount == 0)
        #expect(pool.allocate() == 0)
    }

    @Test func idsOutsideTheRangeAreIgnored() {
        var pool = StreamIDPool(capacity: 2)
        let negative = pool.release(-1)
        let beyond = pool.release(5)
        #expect(!negative)
        #expect(!beyond)
        pool.orphan(1)
        #expect(pool.orphanCount == 0)
        #expect(StreamIDPool(capacity: 100_000).capacity == 32_768)
    }
}
