import Synchronization
import Testing

@testable import DNA

@Suite("The shortcut of forwarded casts")
struct CastShortcutTests {
    @Test("a payload that starts with the remembered header goes to its delivery, without the header")
    func matchingHeaderIsDelivered() {
        let shortcut = CastShortcut()
        let bodies = Mutex<[[UInt8]]>([])
        shortcut.remember(header: [2, 0, 9, 9][...]) { body in
            bodies.withLock { $0.append(Array(body)) }
            return true
        }

        #expect(shortcut.deliver([2, 0, 9, 9, 42, 43]))
        #expect(shortcut.deliver([2, 0, 9, 9, 1]))
        #expect(bodies.withLock { $0 } == [[42, 43], [1]])
    }

    @Test("another header, a payload no longer than the header, or an empty shortcut take the full path")
    func otherPayloadsAreNotDelivered() {
        let shortcut = CastShortcut()
        #expect(!shortcut.deliver([2, 0, 9, 9, 42]))

        let deliveries = Atomic<Int>(0)
        shortcut.remember(header: [2, 0, 9, 9][...]) { _ in
            deliveries.add(1, ordering: .relaxed)
            return true
        }
        #expect(!shortcut.deliver([2, 1, 9, 9, 42]))
        #expect(!shortcut.deliver([2, 0, 9]))
        #expect(!shortcut.deliver([2, 0, 9, 9]))
        #expect(deliveries.load(ordering: .relaxed) == 0)
    }

    @Test("a delivery that refuses the cast leaves it to the full path")
    func refusedDelivery() {
        let shortcut = CastShortcut()
        shortcut.remember(header: [2][...]) { _ in false }
        #expect(!shortcut.deliver([2, 42]))
    }
}
