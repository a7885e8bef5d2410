#if canImport(Glibc)
import Glibc
#endif

/// Which store a node uses.
public enum StoreConfiguration: Sendable {
    /// The embedded default: one SQLite file, which several node processes on one host may share.
    case sqlite(path: String, synchronous: SQLiteSynchronous = .full)

    /// A PostgreSQL server, which nodes on several hosts can share; see ``PostgresConfiguration``.
    case postgres(PostgresConfiguration)

    /// Everything in memory; nothing survives the process. For tests and benchmarks.
    case memory

    /// ScyllaDB or Cassandra, through DNA's CQL client (see ``CQLStoreConfiguration``).
    case cql(CQLStoreConfiguration)

    /// A store the program built itself, such as a shared ``MemoryStore`` or a store opened beforehand.
    case custom(any Store)
}

/// How hard SQLite works to make a commit survive power loss.
public enum SQLiteSynchronous: String, Sendable {
    /// Every commit is synced to disk before the caller hears back: durable against power loss.
    case full = "FULL"

    /// Commits survive a crash of the process but the last ones may be lost on power loss.
    case normal = "NORMAL"
}

/// How an actor instance gathers events into batches.
public struct BatchingConfiguration: Sendable, Hashable {
    /// The most events handed to the actor in one batch.
    public var maxBatch: Int

    /// When `true`, a batch takes every queued event up to ``adaptiveLimit`` instead of ``maxBatch``, so that
    /// a burst that queued up during a flush is handled and flushed as one unit.
    public var adaptive: Bool

    /// The largest adaptive batch.
    public var adaptiveLimit: Int

    /// Creates a batching configuration.
    public init(maxBatch: Int = 100, adaptive: Bool = true, adaptiveLimit: Int = 10_000) {
        self.maxBatch = max(1, maxBatch)
        self.adaptive = adaptive
        self.adaptiveLimit = max(self.maxBatch, adaptiveLimit)
    }

    /// The most events the next batch may take.
    var limit: Int { adaptive ? adaptiveLimit : maxBatch }
}

/// How a failed flush is retried before the instance gives up and restarts.
public struct FlushRetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var attempts: Int

    /// The wait before the first retry; each later wait doubles, up to ``maxBackoff``.
    public var initialBackoff: Duration

    /// The longest wait between attempts.
    public var maxBackoff: Duration

    /// Creates a policy.
    public init(attempts: Int = 5, initialBackoff: Duration = .milliseconds(10), maxBackoff: Duration = .seconds(1)) {
        self.attempts = max(1, attempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The wait after the given failed attempt (1-based).
    func backoff(afterAttempt attempt: Int) -> Duration {
        var wait = initialBackoff
        for _ in 1..<max(1, attempt) where wait < maxBackoff {
            wait = wait * 2
        }
        return min(wait, maxBackoff)
    }
}

/// How often an instance may restart before the supervisor stops it, in the manner of OTP.
public struct RestartIntensity: Sendable, Hashable {
    /// The most restarts allowed within ``period``.
    public var maxRestarts: Int

    /// The sliding window over which restarts are counted.
    public var period: Duration

    /// Creates a restart intensity.
    public init(maxRestarts: Int = 5, period: Duration = .seconds(10)) {
        self.maxRestarts = max(0, maxRestarts)
        self.period = period
    }
}

extension Node {
    /// Everything a node needs to start.
    public struct Configuration: Sendable {
        /// The store shared by the cluster.
        public var store: StoreConfiguration

        /// The cluster's name: nodes with the same store and cluster name form one cluster.
        public var cluster: String

        /// The namespace used by handles that do not name one.
        public var namespace: String

        /// Local partitions, each with its own registry; the default is one per core.
        public var partitions: Int

        /// How instances gather events into batches.
        public var batching: BatchingConfiguration

        /// How failed flushes are retried.
        public var flushRetry: FlushRetryPolicy

        /// Whether an instance with more events waiting goes on handling them while its last batch's writes
        /// are flushed, instead of waiting for the flush (the input gate stays open, as in Durable Objects).
        ///
        /// Replies stay behind every flush that precedes them, and reads see the writes in flight. If that flush
        /// fails, every reply held since fails with it, the events handled since are dropped with their writes,
        /// and the instance restarts from durable state. Only one flush per instance is in flight at a time.
        public var pipelinesFlushes: Bool

        /// How often an instance may restart.
        public var restartIntensity: RestartIntensity

        /// How long a call waits for its reply by default.
        public var callTimeout: Duration

        /// An instance idle this long is passivated: stopped, keeping its claim.
        public var idleTimeout: Duration

        /// The most instances the node keeps in memory; beyond it the least recently used idle ones passivate.
        public var maxResidentActors: Int

        /// Size limits of storage modules.
        public var storageLimits: StorageLimits

        /// The most values a storage module caches.
        public var storageCacheLimit: Int

        /// How often the node writes its heartbeat row.
        public var heartbeatInterval: Duration

        /// A node that could not renew its heartbeat for this long stops serving (see the placement docs).
        public var leaseTimeout: Duration

        /// Peers declare a node dead only after `leaseTimeout + deadMargin` without a heartbeat change.
        public var deadMargin: Duration

        /// How the node reaches its peers; `nil` for a node without a cluster transport, which serves only the
        /// names it owns itself.
        public var transport: TransportConfiguration?

        /// The HTTP gateway the node serves, if any.
        public var gateway: GatewayConfiguration?

        /// Where names that nobody owns are claimed.
        public var placement: PlacementPolicy

        /// Where the node's logs go.
        public var logger: Logger

        /// Creates a configuration with the defaults for everything but the store.
        public init(store: StoreConfiguration, cluster: String = "default") {
            self.store = store
            self.cluster = cluster
            self.namespace = ActorName.defaultNamespace
            self.partitions = max(1, ProcessInfoCores.count)
            self.batching = BatchingConfiguration()
            self.flushRetry = FlushRetryPolicy()
            self.pipelinesFlushes = true
            self.restartIntensity = RestartIntensity()
            self.callTimeout = .seconds(30)
            self.idleTimeout = .seconds(300)
            self.maxResidentActors = 1_000_000
            self.storageLimits = .standard
            self.storageCacheLimit = 10_000
            self.heartbeatInterval = .seconds(1)
            self.leaseTimeout = .seconds(6)
            self.deadMargin = .seconds(3)
            self.transport = nil
            self.gateway = nil
            self.placement = .local
            self.logger = .disabled
        }
    }
}

extension Node.Configuration {
    /// Checks the settings that must agree with each other.
    ///
    /// - Throws: ``DNAError/Code/badRequest`` naming the first setting that is out of bounds.
    func validate() throws {
        guard heartbeatInterval > .zero else {
            throw DNAError(.badRequest, "the heartbeat interval must be positive")
        }
        guard leaseTimeout >= heartbeatInterval * 2 else {
            throw DNAError(.badRequest, "the lease timeout must be at least twice the heartbeat interval")
        }
        guard deadMargin > .zero else {
            throw DNAError(.badRequest, "the dead margin must be positive")
        }
        guard callTimeout > .zero, idleTimeout > .zero else {
            throw DNAError(.badRequest, "the call and idle timeouts must be positive")
        }
        guard maxResidentActors > 0, partitions > 0 else {
            throw DNAError(.badRequest, "the resident bound and the partition count must be positive")
        }
    }
}

/// The number of cores, without Foundation's process-info object.
enum ProcessInfoCores {
    static var count: Int {
        Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }
}
