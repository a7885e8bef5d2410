internal import CDNANetwork
import Glibc
import Synchronization

/// A single OS thread that waits for socket readiness with `epoll` and runs
/// jobs and timers.
///
/// Every connection and listener belongs to one loop; their callbacks run on
/// that loop's thread, one at a time, so handler state needs no locks. Other
/// threads hand work to the loop with ``execute(_:)``, which wakes it through
/// an `eventfd` only when it sleeps in `epoll_wait`.
///
/// - Important: Code on the loop thread must never block or await: it would
///   stall every connection of the loop. ``shutdown()`` must not be called on
///   the loop thread.
public final class EventLoop: @unchecked Sendable {
    // @unchecked: `shared` and the atomics are thread-safe; every other var is touched only on the loop thread.

    private struct SharedState {
        var jobs: [@Sendable () -> Void] = []
        var isSleeping = false
        var isRunning = true
        var thread: pthread_t?
    }

    private static let readBufferSize = 64 * 1024
    private static let maximumEventsPerWait: Int32 = 256

    /// A short name used for the thread and in descriptions.
    public let name: String

    /// How long the loop polls for events before it sleeps, after a sleep shorter than that; zero never polls.
    private let busyPollNanoseconds: UInt64

    let epollDescriptor: Int32
    private let wakeDescriptor: Int32
    private let shared = Mutex(SharedState())
    private let loopThread = Atomic<UInt>(0)
    private let wakeWrites = Atomic<Int>(0)
    /// Set when a connection of this loop sent a request or reply, from any thread: its answer may follow.
    private let answerExpected = Atomic<Bool>(false)

    /// Scratch space that connections of this loop read into; loop-confined.
    let readBuffer: UnsafeMutableRawBufferPointer
    private var timers = TimerHeap()
    private var nextTimerSequence: UInt64 = 0
    private var registrations: [UInt64: any LoopSelectable] = [:]
    private var nextRegistrationID: UInt64 = 1
    private var endOfTickFlushes: [TCPConnection] = []

    /// Creates a loop and starts its thread.
    ///
    /// - Parameters:
    ///   - name: A short name for the thread, such as `dna-loop-0`.
    ///   - busyPoll: After one of its connections sent a request or a reply, the loop polls for events for
    ///     this long before it sleeps: the answer then finds the loop awake, which saves the cost of waking a
    ///     thread (high in virtual machines) at the price of the CPU the polls burn, bounded by
    ///     ``BusyPollPolicy``. Zero, the default here, never polls.
    /// - Throws: ``NetworkError`` with code `systemCallFailed` when the epoll
    ///   or eventfd descriptor cannot be created.
    public init(name: String = "dna-loop", busyPoll: Duration = .zero) throws(NetworkError) {
        self.name = name
        let (seconds, attoseconds) = busyPoll.components
        self.busyPollNanoseconds =
            seconds < 0 ? 0 : UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)

        epollDescriptor = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollDescriptor >= 0 else {
            throw NetworkError(code: .systemCallFailed, message: "epoll_create1 failed", systemErrno: errno)
        }

        wakeDescriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeDescriptor >= 0 else {
            let failure = errno
            Glibc.close(epollDescriptor)
            throw NetworkError(code: .systemCallFailed, message: "eventfd failed", systemErrno: failure)
        }

        try Self.watchWakeDescriptor(wakeDescriptor, epollDescriptor: epollDescriptor)
        readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)

        let thread = ThreadLauncher.start(name: name) { [self] in
            runLoop()
        }
        shared.withLock { $0.thread = thread }
    }

    deinit {
        readBuffer.deallocate()
    }

    /// Whether the calling thread is this loop's thread.
    ///
    /// - Important: Callable from any thread.
    public var inEventLoop: Bool {
        pthread_equal(pthread_self(), loopThread.load(ordering: .relaxed)) != 0
    }

    /// Runs `job` on the loop thread, after the jobs submitted before it.
    ///
    /// Jobs from one thread run in the order submitted. The loop is woken only
    /// if it is sleeping; while it is busy, new jobs are simply queued.
    ///
    /// - Parameter job: The work to run; it must not block.
    /// - Important: Callable from any thread. Jobs submitted after
    ///   ``shutdown()`` began are dropped; use ``submit(_:)`` to learn of that.
    public func execute(_ job: @escaping @Sendable () -> Void) {
        _ = tryExecute(job)
    }

    /// Runs `body` on the loop thread and returns its result to the caller.
    ///
    /// - Parameter body: The work to run; it must not block.
    /// - Returns: What `body` returned.
    /// - Throws: What `body` threw, or ``NetworkError`` with code
    ///   `loopShutDown` when the loop no longer accepts work.
    /// - Important: Callable from any task; the caller suspends, it does not block.
    public func submit<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = tryExecute {
                continuation.resume(with: Swift.Result { try body() })
            }
            if !accepted {
                continuation.resume(throwing: Self.shutDownError)
            }
        }
    }

    /// Runs `body` on the loop thread once `delay` has passed.
    ///
    /// Timers live in one heap per loop; no thread is created per timer.
    /// Timers with the same deadline run in the order they were scheduled.
    ///
    /// - Parameters:
    ///   - delay: How long to wait; zero or negative means "on the next tick".
    ///   - body: The work to run; it must not block.
    /// - Returns: A handle that cancels the timer.
    /// - Important: Callable from any thread. Off the loop thread the timer
    ///   is added through ``execute(_:)``.
    @discardableResult
    public func scheduleTask(in delay: Duration, _ body: @escaping @Sendable () -> Void) -> ScheduledTask {
        let deadline = MonotonicTime.now().advanced(by: delay)

        if inEventLoop {
            return ScheduledTask(entry: addTimer(deadline: deadline, body: body), loop: self)
        }

        let entry = TimerEntry(deadline: deadline, body: body)
        let handle = ScheduledTask(entry: entry, loop: self)
        execute { [self] in
            insertTimerFromOtherThread(entry)
        }
        return handle
    }

    /// Stops the loop: closes every connection and listener registered with
    /// it, drops pending timers, and joins the loop thread.
    ///
    /// Connections see ``TCPCloseReason/loopShutDown``. Calling it again
    /// returns at once.
    ///
    /// - Important: Blocks the caller until the thread has exited. Must not be
    ///   called on this loop's thread; from async code prefer
    ///   ``shutdown()-swift.method`` in its async form, which keeps the
    ///   cooperative pool free.
    public func shutdown() {
        precondition(!inEventLoop, "EventLoop.shutdown() called on its own thread")

        let thread = shared.withLock { state -> pthread_t? in
            state.isRunning = false
            defer { state.thread = nil }
            return state.thread
        }
        guard let thread else {
            return
        }

        wake()
        pthread_join(thread, nil)

        Glibc.close(wakeDescriptor)
        Glibc.close(epollDescriptor)
    }

    /// Stops the loop like ``shutdown()-swift.method``, joining the thread
    /// from a dedicated thread so that the calling task suspends instead of
    /// blocking.
    public func shutdown() async {
        _ = try? await ThreadLauncher.runBlocking(name: "dna-join") { [self] in
            shutdown()
        }
    }

    /// How many times another thread had to wake the loop from `epoll_wait`.
    ///
    /// A diagnostic counter for tests and benchmarks.
    public var wakeUpCount: Int {
        wakeWrites.load(ordering: .relaxed)
    }

    static let shutDownError = NetworkError(code: .loopShutDown, message: "the event loop has shut down")

    /// Queues `job`; returns `false` if the loop no longer accepts work.
    func tryExecute(_ job: @escaping @Sendable () -> Void) -> Bool {
        let decision = shared.withLock { state -> Bool? in
            guard state.isRunning else {
                return nil
            }
            state.jobs.append(job)

            guard state.isSleeping else {
                return false
            }
            state.isSleeping = false
            return true
        }

        guard let mustWake = decision else {
            return false
        }
        if mustWake {
            wake()
        }
        return true
    }

    private func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeDescriptor, &one, 8)
        wakeWrites.add(1, ordering: .relaxed)
    }

    /// Adds the eventfd to the epoll set under registration id 0.
    private static func watchWakeDescriptor(_ wakeDescriptor: Int32, epollDescriptor: Int32) throws(NetworkError) {
        var event = epoll_event()
        event.events = EpollEvents.readable
        event.data.u64 = 0

        guard epoll_ctl(epollDescriptor, EPOLL_CTL_ADD, wakeDescriptor, &event) == 0 else {
            let failure = errno
            Glibc.close(wakeDescriptor)
            Glibc.close(epollDescriptor)
            throw NetworkError(code: .systemCallFailed, message: "epoll_ctl for eventfd failed", systemErrno: failure)
        }
    }
}

// MARK: - Loop-thread internals

extension EventLoop {
    /// Adds `selectable` to the epoll set.
    ///
    /// - Returns: The registration id that later calls refer to.
    /// - Important: Loop thread only.
    func register(_ selectable: any LoopSelectable, descriptor: Int32, events: UInt32) throws(NetworkError) -> UInt64 {
        assert(inEventLoop)

        let id = nextRegistrationID
        nextRegistrationID += 1

        var event = epoll_event()
        event.events = events
        event.data.u64 = id
        guard epoll_ctl(epollDescriptor, EPOLL_CTL_ADD, descriptor, &event) == 0 else {
            throw NetworkError(code: .systemCallFailed, message: "epoll_ctl add failed", systemErrno: errno)
        }

        registrations[id] = selectable
        return id
    }

    /// Changes the events a registration waits for.
    ///
    /// - Important: Loop thread only.
    func reregister(id: UInt64, descriptor: Int32, events: UInt32) {
        assert(inEventLoop)

        var event = epoll_event()
        event.events = events
        event.data.u64 = id
        _ = epoll_ctl(epollDescriptor, EPOLL_CTL_MOD, descriptor, &event)
    }

    /// Removes a registration; call before closing the descriptor.
    ///
    /// - Important: Loop thread only.
    func deregister(id: UInt64, descriptor: Int32) {
        assert(inEventLoop)

        var event = epoll_event()
        _ = epoll_ctl(epollDescriptor, EPOLL_CTL_DEL, descriptor, &event)
        registrations[id] = nil
    }

    /// Notes that a connection of this loop sent a request or reply, so that the loop polls for the answer
    /// before it sleeps (``BusyPollPolicy``).
    ///
    /// - Important: Callable from any thread.
    func expectAnswer() {
        if busyPollNanoseconds > 0 {
            answerExpected.store(true, ordering: .relaxed)
        }
    }

    /// Flushes `connection` once the current tick's events and jobs are done,
    /// so that writes issued during the tick share one send.
    ///
    /// - Important: Loop thread only.
    func flushAtEndOfTick(_ connection: TCPConnection) {
        assert(inEventLoop)
        endOfTickFlushes.append(connection)
    }

    func addTimer(deadline: MonotonicTime, body: @escaping @Sendable () -> Void) -> TimerEntry {
        let entry = TimerEntry(deadline: deadline, body: body)
        insertTimer(entry)
        return entry
    }

    private func insertTimer(_ entry: TimerEntry) {
        // Sequence numbers are given in loop order, so equal deadlines keep FIFO order.
        entry.sequence = nextTimerSequence
        nextTimerSequence += 1

        timers.insert(entry)
    }

    func removeTimer(_ entry: TimerEntry) {
        if inEventLoop {
            timers.remove(entry)
        } else {
            execute { [self] in
                timers.remove(entry)
            }
        }
    }

    private func insertTimerFromOtherThread(_ entry: TimerEntry) {
        guard !entry.isCancelled.load(ordering: .acquiring) else {
            return
        }
        insertTimer(entry)
    }

    private func runLoop() {
        loopThread.store(pthread_self(), ordering: .relaxed)
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(Self.maximumEventsPerWait))
        var jobs: [@Sendable () -> Void] = []

        var polling = BusyPollPolicy(nanoseconds: busyPollNanoseconds)
        while let timeout = prepareToWait() {
            var count: Int32 = 0
            let answerExpected = answerExpected.exchange(false, ordering: .relaxed)
            if polling.shouldPoll(
                timeout: timeout,
                answerExpected: answerExpected,
                now: { MonotonicTime.now().nanoseconds }
            ) {
                let spinEnd = MonotonicTime.now().nanoseconds &+ polling.nanoseconds
                repeat {
                    count = epoll_wait(epollDescriptor, events, Self.maximumEventsPerWait, 0)
                } while count == 0 && !hasQueuedJobs && MonotonicTime.now().nanoseconds < spinEnd
                if count == 0 && !hasQueuedJobs {
                    polling.recordMiss(at: MonotonicTime.now().nanoseconds)
                } else {
                    polling.recordHit()
                }
            }
            if count == 0 {
                count = wait(for: events, timeout: timeout)
            }

            shared.withLock { state in
                state.isSleeping = false
                swap(&jobs, &state.jobs)
            }

            dispatch(events, count: Int(max(count, 0)))
            runExpiredTimers()
            runJobs(&jobs)
            runJobsQueuedDuringTick(&jobs)
            runEndOfTickFlushes()
        }

        closeEverything(&jobs)
        events.deallocate()
        loopThread.store(0, ordering: .relaxed)
    }

    /// Decides how long to sleep, in nanoseconds (`-1`: until woken), or returns `nil` when the loop must stop.
    private func prepareToWait() -> Int64? {
        let timerTimeout = timeoutUntilNextTimer()

        return shared.withLock { state -> Int64? in
            guard state.isRunning else {
                return nil
            }
            guard state.jobs.isEmpty else {
                return 0
            }
            state.isSleeping = true
            return timerTimeout
        }
    }

    private func timeoutUntilNextTimer() -> Int64 {
        guard let earliest = timers.earliest else {
            return -1
        }
        return Int64(min(MonotonicTime.now().nanoseconds(until: earliest.deadline), 60_000_000_000))
    }

    /// Waits for events for at most `timeout` nanoseconds (`-1`: until woken).
    ///
    /// `epoll_pwait2` (Linux 5.11) sleeps to the nanosecond, which short timers such as a write's coalescing
    /// delay need; on older kernels the wait falls back to `epoll_wait`, whose milliseconds are rounded up so
    /// that the loop never wakes a hair early and spins.
    private func wait(for events: UnsafeMutablePointer<epoll_event>, timeout: Int64) -> Int32 {
        if timeout > 0, Self.hasPreciseWait.load(ordering: .relaxed) {
            var spec = timespec(tv_sec: Int(timeout / 1_000_000_000), tv_nsec: Int(timeout % 1_000_000_000))
            let count = epoll_pwait2(epollDescriptor, events, Self.maximumEventsPerWait, &spec, nil)
            if count >= 0 || errno != ENOSYS {
                return count
            }
            Self.hasPreciseWait.store(false, ordering: .relaxed)
        }
        let milliseconds = timeout <= 0 ? timeout : (timeout + 999_999) / 1_000_000
        return epoll_wait(epollDescriptor, events, Self.maximumEventsPerWait, Int32(milliseconds))
    }

    /// Whether the kernel has `epoll_pwait2`; cleared the first time it answers `ENOSYS`.
    private static let hasPreciseWait = Atomic<Bool>(true)

    private func dispatch(_ events: UnsafeMutablePointer<epoll_event>, count: Int) {
        for index in 0..<count {
            let id = events[index].data.u64
            let bits = events[index].events

            if id == 0 {
                drainWakeDescriptor()
            } else if let selectable = registrations[id] {
                selectable.handleEvents(bits)
            }
        }
    }

    private func drainWakeDescriptor() {
        var value: UInt64 = 0
        _ = Glibc.read(wakeDescriptor, &value, 8)
    }

    private func runExpiredTimers() {
        guard timers.count > 0 else {
            return
        }

        let now = MonotonicTime.now()
        while let entry = timers.popExpired(now: now) {
            if !entry.isCancelled.load(ordering: .acquiring) {
                entry.body()
            }
        }
    }

    private func runJobs(_ jobs: inout [@Sendable () -> Void]) {
        for job in jobs {
            job()
        }
        jobs.removeAll(keepingCapacity: true)
    }

    /// Runs the jobs that this tick's events and jobs queued, such as a task resumed by a reply just read, so
    /// that they run before the tick's writes are flushed instead of after another `epoll_wait`. Bounded, so
    /// that jobs that keep queueing jobs cannot keep the loop from its sockets.
    private func runJobsQueuedDuringTick(_ jobs: inout [@Sendable () -> Void]) {
        for _ in 0..<Self.extraJobRounds {
            shared.withLock { state in
                swap(&jobs, &state.jobs)
            }
            guard !jobs.isEmpty else {
                return
            }
            runJobs(&jobs)
        }
    }

    private static var extraJobRounds: Int { 4 }

    private var hasQueuedJobs: Bool {
        shared.withLock { !$0.jobs.isEmpty }
    }

    private func runEndOfTickFlushes() {
        while !endOfTickFlushes.isEmpty {
            let connections = endOfTickFlushes
            endOfTickFlushes.removeAll(keepingCapacity: true)

            for connection in connections {
                connection.flushOnLoop()
            }
        }
    }

    /// Runs the jobs accepted before shutdown, then closes every registration.
    private func closeEverything(_ jobs: inout [@Sendable () -> Void]) {
        shared.withLock { state in
            swap(&jobs, &state.jobs)
        }
        runJobs(&jobs)

        for selectable in registrations.values {
            selectable.loopIsShuttingDown()
        }
        registrations.removeAll()
        endOfTickFlushes.removeAll()

        _ = timers.removeAll()
    }
}
