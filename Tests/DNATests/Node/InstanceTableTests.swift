import Testing

@testable import DNA

@Suite("InstanceTable")
struct InstanceTableTests {
    /// A table entry: a name and a serial number that tells two entries of one name apart.
    final class Entry {
        let name: ActorName
        let serial: Int

        init(_ key: String, serial: Int = 0) {
            self.name = ActorName(type: "table.test", key: key)
            self.serial = serial
        }
    }

    private static func table() -> InstanceTable<Entry> {
        InstanceTable { $0.name }
    }

    private static func name(_ key: String) -> ActorName {
        ActorName(type: "table.test", key: key)
    }

    @Test("finds every inserted entry by name and nothing else")
    func findsInserted() {
        var table = Self.table()
        #expect(table[Self.name("absent")] == nil)
        for index in 0..<5_000 {
            table.insert(Entry("k\(index)"))
        }
        #expect(table.count == 5_000)
        for index in 0..<5_000 {
            #expect(table[Self.name("k\(index)")]?.name.key == "k\(index)")
        }
        #expect(table[Self.name("k5000")] == nil)
        #expect(table.instances.count == 5_000)
    }

    @Test("inserting under a registered name replaces its entry")
    func replaces() {
        var table = Self.table()
        table.insert(Entry("a", serial: 1))
        table.insert(Entry("a", serial: 2))
        #expect(table.count == 1)
        #expect(table[Self.name("a")]?.serial == 2)
    }

    @Test("removals in any order keep every remaining entry reachable")
    func removals() {
        var table = Self.table()
        var present = Set<Int>()
        for index in 0..<4_000 {
            table.insert(Entry("k\(index)"))
            present.insert(index)
        }
        // Remove a pseudo-random half (a fixed seed keeps failures reproducible), then re-add some.
        var generator = SplitMix(seed: 42)
        for _ in 0..<2_000 {
            let index = Int(generator.next() % 4_000)
            table.remove(Self.name("k\(index)"))
            present.remove(index)
        }
        for index in stride(from: 0, to: 4_000, by: 7) {
            table.insert(Entry("k\(index)"))
            present.insert(index)
        }
        #expect(table.count == present.count)
        for index in 0..<4_000 {
            #expect((table[Self.name("k\(index)")] != nil) == present.contains(index), "k\(index)")
        }
        table.remove(Self.name("never-there"))
        #expect(table.count == present.count)
    }
}
