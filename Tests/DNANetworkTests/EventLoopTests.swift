import Synchronization
import Testing

@testable import DNANetwork

@Suite("EventLoop", .timeLimit(.minutes(1)))
struct EventLoopTests {
    @Test("execute runs jobs on the loop thread")
    func executeRunsOnLoop() async throws {
        try await withLoopGroup(loops: 1) { group in
            let loop = group.next()
            #expect(!loop.inEventLoop)

            let onLoop = try await loop.submit { loop.inEventLoop }
            #expect(onLoop)
        }
    }

    @Test("jobs from several threads all run, in per-thread order")
    func jobsKeepPerThreadOrder() async throws {
        try await withLoopGroup(loops: 1) { group in
            let loop = group.next()
            let seen = Watched([[Int]](repeating: [], count: 4))

            try await onThreads(4) { thread in
                for index in 0..<2_000 {
                    loop.execute {
                        seen.update { $0[thread].append(index) }
                    }
                }
            }

            let final = try await seen.wait { lists in lists.allSatisfy { $0.count == 2_000 } }
            for list in final {
                #expect(list == Array(0..<2_000))
            }
        }
    }

    @Test("timers fire in deadline order and FIFO for equal deadlines")
    func timersFireInOrder() async throws {
        try await withLoopGroup(loops: 1) { group in
            let loop = group.next()
            let fired = Watched([String]())

            try await loop.submit {
                for (name, delay) in [("c", 30), ("a", 10), ("d", 40), ("b", 20), ("b2", 20)] {
                    loop.scheduleTask(in: .milliseconds(delay)) {
                        fired.update { $0.append(name) }
                    }
                }
            }

            let order = try await fired.wait { $0.count == 5 }
            #expect(order == ["a", "b", "b2", "c", "d"])
        }
    }

    @Test("cancelled timers never run, from the loop or another thread")
    func cancelledTimersDoNotRun() async throws {
        try await withLoopGroup(loops: 1) { group in
            let loop = group.next()
            let fired = Watched([String]())

            let offLoop = loop.scheduleTask(in: .milliseconds(20)) { fired.update { $0.append("off") } }
            offLoop.cancel()

            try await loop.submit {
                let onLoop = loop.scheduleTask(in: .milliseconds(10)) { fired.update { $0.append("on") } }
                onLoop.cancel()
                loop.scheduleTask(in: .milliseconds(40)) { fired.update { $0.append("sentinel") } }
            }

            let seen = try await fired.wait { $0.contains("sentinel") }
            #expect(seen == ["sentinel"])
            #expect(offLoop.isCancelled)
        }
    }

    @Test("a loop that shut down refuses work")
    func shutDownLoopRefusesWork() async throws {
        let loop = try EventLoop(name: "test-loop")
        await loop.shutdown()

        await #expect(throws: NetworkError.self) {
            try await loop.submit { 1 }
        }
        let error = await #expect(throws: NetworkError.self) { try await loop.submit { 1 } }
        #expect(error?.code == .loopShutDown)
    }

    @Test("an idle loop is woken by execute; a busy one is not woken again")
    func wakeUpsAreSkippedWhileBusy() async throws {
        try await withLoopGroup(loops: 1) { group in
            let loop = group.next()
            let counter = Watched(0)

            try await loop.submit {
                // Jobs queued while the loop runs this one need no wake-up.
                let before = loop.wakeUpCount
                for _ in 0..<100 {
                    loop.execute { counter.update { $0 += 1 } }
                }
                #expect(loop.wakeUpCount == before)
            }
            try await counter.wait { $0 == 100 }
        }
    }
}
