/// Stops idle instances: those idle longer than the idle timeout, and the least recently used idle ones when
/// the node holds more than its resident bound.
enum Passivation {
    static func sweep(_ runtime: NodeRuntime, now: MonotonicInstant) async {
        let configuration = runtime.configuration
        let instances = runtime.allInstances()
        let idle = instances.compactMap { instance in instance.idleSince.map { (instance, $0) } }

        // Beyond the bound, evict down to 90% of it, oldest first, so that sweeps do not run at every activation.
        var victims: [any AnyInstance] = []
        let excess = instances.count - configuration.maxResidentActors
        if excess > 0 {
            let target = excess + configuration.maxResidentActors / 10
            victims = idle.sorted { $0.1 < $1.1 }.prefix(target).map(\.0)
        }
        let cutoff = MonotonicInstant(
            nanoseconds: now.nanoseconds &- min(now.nanoseconds, configuration.idleTimeout.nanoseconds)
        )
        victims += idle.filter { $0.1 <= cutoff }.map(\.0)

        for victim in victims {
            _ = await victim.passivateIfIdle(since: now)
        }
    }
}
