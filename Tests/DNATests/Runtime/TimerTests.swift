import Synchronization
import Testing

@testable import DNA

@Suite("Timers and the context's logger", .timeLimit(.minutes(1)))
struct TimerTests {
    /// An actor that sets and cancels timers on request and logs each one that fires.
    final class Alarm: DurableActor {
        static let type: ActorType = "test.alarm"

        enum Message: Codable, Sendable {
            case arm(String, milliseconds: Int)
            case disarm(String)
            case fired
        }

        private let context: ActorContext
        private var fired: [String] = []

        init(context: ActorContext) async throws {
            self.context = context
        }

        func receive(_ message: Message, context: MessageContext) async throws -> [String] {
            switch message {
            case .arm(let label, let milliseconds):
                self.context.setTimer(label, after: .milliseconds(milliseconds))
            case .disarm(let label):
                self.context.cancelTimer(label)
            case .fired:
                break
            }
            return fired
        }

        func receive(info: InfoEvent, context: MessageContext) async throws {
            guard case .timer(let label) = info else {
                return
            }
            fired.append(label)
            self.context.logger.info("timer fired", metadata: ["timer": label])
            Probe.find(self.context.name.key)?.handled.increment()
        }
    }

    /// Collects log records in memory.
    final class Collector: LogHandler {
        private let records = Mutex<[LogRecord]>([])

        func write(_ record: LogRecord) {
            records.withLock { $0.append(record) }
        }

        var all: [LogRecord] {
            records.withLock { $0 }
        }
    }

    @Test("a timer fires once into the actor, a cancelled one never, and the context logs with the actor's name")
    func firesAndCancels() async throws {
        let collector = Collector()
        let node = try await TestNodes.start(types: [Alarm.self]) {
            $0.logger = Logger(label: "test", level: .info, handler: collector)
        }
        let probe = Probe("alarm")
        let handle = node.actor(Alarm.self, key: probe.key)

        // The cancelled timer is due first: had the cancel failed, it would fire before the other.
        _ = try await handle.call(.arm("cancelled", milliseconds: 30))
        _ = try await handle.call(.disarm("cancelled"))
        _ = try await handle.call(.arm("kept", milliseconds: 60))
        await probe.handled.wait(for: 1)

        #expect(try await handle.call(.fired) == ["kept"])
        let record = try #require(collector.all.first { $0.message == "timer fired" })
        #expect(record.label == "dna.actor")
        #expect(record.metadata["actor.name"] == "\(handle.name)")
        #expect(record.metadata["timer"] == "kept")
        await node.shutdown()
    }

    @Test("setting a timer under a label already set replaces it")
    func replaces() async throws {
        let node = try await TestNodes.start(types: [Alarm.self])
        let probe = Probe("alarm")
        let handle = node.actor(Alarm.self, key: probe.key)

        _ = try await handle.call(.arm("tick", milliseconds: 3_600_000))
        _ = try await handle.call(.arm("tick", milliseconds: 10))
        await probe.handled.wait(for: 1)
        #expect(try await handle.call(.fired) == ["tick"])
        await node.shutdown()
    }

    @Test("a stopped instance with a timer still set is freed: stopping cancels its timers")
    func stoppedInstanceWithTimerIsFreed() async throws {
        let node = try await TestNodes.start(types: [Alarm.self])
        let probe = Probe("alarm")
        weak var stopped: ActorInstance<Alarm>?
        do {
            let handle = node.actor(Alarm.self, key: probe.key)
            // The actor holds its context, which holds the instance and, through the timer, a task.
            _ = try await handle.call(.arm("later", milliseconds: 3_600_000))
            let name = ActorName(type: Alarm.type, key: probe.key)
            let (instance, created) = try node.runtime.instance(for: name, as: Alarm.self)
            #expect(!created)
            stopped = instance
            await instance.stop(.passivate)
        }
        #expect(stopped == nil)
        await node.shutdown()
    }
}
