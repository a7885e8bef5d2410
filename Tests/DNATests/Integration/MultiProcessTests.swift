import Testing

/// The multi-process tests: real `dna serve` processes on loopback ports chosen by the kernel, sharing one store.
///
/// They run one at a time: each starts several processes whose heartbeats must not starve each other on a
/// small machine, and timing bounds (failover within the lease plus a margin) assume the machine is not
/// running a second cluster at once.
@Suite("Multi-process", .serialized, .timeLimit(.minutes(3)))
struct MultiProcessTests {}
