import Dispatch
import Foundation
import Synchronization

/// One run of `dna demo`: it starts three nodes, writes through all of them, kills the one that owns the most
/// actors, watches those actors come back on the survivors, reads every acknowledged write back and checks.
///
/// - Important: Blocks its thread from start to end; the command runs it on a thread of its own.
struct DemoRun: Sendable {
    static let nodeCount = 3
    static let clientsPerGateway = 2

    /// The deadline of calls made while no node is being killed: placement and read-back.
    private static let callTimeout: Duration = .seconds(5)

    let settings: DemoSettings
    let cluster: DemoCluster
    private let clock = ContinuousClock()

    init(settings: DemoSettings, cluster: DemoCluster) {
        self.settings = settings
        self.cluster = cluster
    }

    /// Runs the demo to its checks.
    ///
    /// - Throws: ``DemoError`` when it cannot get that far: a node does not start, the cluster does not form,
    ///   the first writes fail.
    func run() throws -> DemoSummary {
        let started = clock.now
        let members = try cluster.start(count: Self.nodeCount, settings: settings)
        let gateways = Gateways(members.map(\.ready.http))
        try waitForCluster(gateways, nodes: Set(members.map(\.ready.node)))

        let actors = DemoActor.workload(count: settings.actors)
        let ledger = WriteLedger()
        let placement = try place(actors, through: gateways, ledger: ledger)

        let workload = Workload(
            actors: actors,
            gateways: gateways,
            ledger: ledger,
            clientsPerGateway: Self.clientsPerGateway
        )
        let workloadStarted = clock.now
        workload.start()
        defer { workload.stop() }
        try waitForWrites(ledger, atLeast: ledger.acknowledged + max(200, actors.count * 10))

        let outage = try killBusiest(members, placement: placement, gateways: gateways, workload: workload)
        let probe = RecoveryProbe(
            actors: outage.owned,
            gateways: gateways,
            killedAt: outage.killedAt,
            patience: settings.recoveryBound + .seconds(10),
            onAnswer: workload.bringBack
        )
        let recovery = RecoveryTimes(owned: outage.owned.count, answers: probe.run().values)
        let acknowledgedAtRecovery = ledger.acknowledged
        _ = poll(within: .seconds(10), every: .milliseconds(10)) {
            ledger.acknowledged >= acknowledgedAtRecovery + actors.count
        }
        workload.stop()

        let (sightings, view) = sightings(of: members[outage.victim].ready.node, through: gateways)
        let snapshot = ledger.snapshot
        let counters = WriteCheck.counters(snapshot.counters, readings: readCounters(snapshot, through: gateways))
        let puts = WriteCheck.puts(snapshot.puts, readings: readMaps(snapshot, through: gateways))
        let exits = drain(members, survivors: gateways.survivors)

        let findings = DemoFindings(
            placedOnVictim: outage.owned.count,
            residentOnVictim: outage.resident,
            recovery: recovery,
            recoveryBound: settings.recoveryBound,
            acknowledgedAfterRecovery: snapshot.acknowledged - acknowledgedAtRecovery,
            puts: puts,
            counters: counters,
            sightings: sightings,
            survivorExits: exits
        )
        return DemoSummary(
            settings: settings,
            nodes: Self.nodes(members, placement: placement, victim: outage.victim),
            clients: workload.clients,
            ledger: snapshot,
            killedAfter: outage.killedAt - workloadStarted,
            acknowledgedBeforeKill: outage.acknowledgedBeforeKill,
            acknowledgedDuringOutage: acknowledgedAtRecovery - outage.acknowledgedBeforeKill,
            recovery: recovery,
            survivorView: view,
            checks: findings.checks,
            total: clock.now - started,
            directory: cluster.directory.path
        )
    }

    // MARK: Steps

    /// Waits until every node lists all nodes alive and serves: only then can each forward to the others.
    private func waitForCluster(_ gateways: Gateways, nodes: Set<String>) throws(DemoError) {
        let formed = poll(within: .seconds(30), every: .milliseconds(50)) {
            gateways.clients.allSatisfy { client in
                guard let view = try? client.cluster(timeout: .seconds(2)), view.phase == "serving" else {
                    return false
                }
                return Set(view.nodes.filter(\.alive).map(\.id)) == nodes
            }
        }
        guard formed else {
            throw DemoError("the nodes did not all see each other alive within 30 s")
        }
    }

    /// Sends each actor its first write through the gateway of node `index % 3`, which claims it under the
    /// `local` placement the nodes run with.
    ///
    /// - Returns: The index of the node each actor was placed on.
    private func place(
        _ actors: [DemoActor],
        through gateways: Gateways,
        ledger: WriteLedger
    ) throws(DemoError) -> [DemoActor: Int] {
        let count = gateways.clients.count
        let placement = Dictionary(uniqueKeysWithValues: actors.enumerated().map { ($1, $0 % count) })
        let failed = Mutex<[DemoActor]>([])
        let finished = DispatchGroup()

        // One thread per gateway; an actor's first write goes to its own gateway only, so no other node races
        // to claim it.
        for index in gateways.clients.indices {
            let mine = actors.filter { placement[$0] == index }
            let client = gateways.clients[index]
            finished.enter()
            let thread = Thread {
                for actor in mine where !Self.firstWrite(to: actor, through: client, ledger: ledger) {
                    failed.withLock { $0.append(actor) }
                }
                finished.leave()
            }
            thread.name = "dna-demo-place"
            thread.start()
        }
        finished.wait()

        let failures = failed.withLock { $0 }
        guard failures.isEmpty else {
            throw DemoError("the first writes to \(failures.count) actors failed, e.g. to \(failures[0])")
        }
        return placement
    }

    /// A first write, tried three times: a node that has just started may still be opening the store.
    private static func firstWrite(to actor: DemoActor, through client: GatewayClient, ledger: WriteLedger) -> Bool {
        (0..<3).contains { _ in Workload.write(to: actor, through: client, ledger: ledger, timeout: callTimeout) }
    }

    private func waitForWrites(_ ledger: WriteLedger, atLeast count: Int) throws(DemoError) {
        guard poll(within: .seconds(30), every: .milliseconds(10), { ledger.acknowledged >= count }) else {
            throw DemoError("the workload had fewer than \(count) writes acknowledged after 30 s")
        }
    }

    /// The node on which the most actors were placed.
    static func busiest(_ placement: [DemoActor: Int], nodes: Int) -> Int {
        let counts = (0..<nodes).map { node in placement.values.filter { $0 == node }.count }
        return counts.indices.max { counts[$0] < counts[$1] } ?? 0
    }

    /// The node killed and what was known at the kill.
    private struct Outage {
        var victim: Int
        /// The actors placed on it.
        var owned: [DemoActor]
        /// Its resident actors by its own count just before the kill, when it answered.
        var resident: Int?
        var acknowledgedBeforeKill: Int
        var killedAt: ContinuousClock.Instant
    }

    /// Kills the node on which the most actors were placed with SIGKILL, while the workload runs, and waits
    /// until it is gone.
    private func killBusiest(
        _ members: [DemoCluster.Member],
        placement: [DemoActor: Int],
        gateways: Gateways,
        workload: Workload
    ) throws(DemoError) -> Outage {
        let victim = Self.busiest(placement, nodes: members.count)
        let owned = placement.keys.filter { placement[$0] == victim }.sorted { $0.description < $1.description }
        let resident = try? gateways.clients[victim].cluster(timeout: .seconds(2)).asked?.residentActors

        // The clients move to the survivors first, since the gateway dies with its node, and leave the
        // killed node's actors to the recovery probe until each answers again.
        gateways.markKilled(victim)
        workload.setAside(owned)
        let acknowledgedBeforeKill = workload.acknowledged
        let process = members[victim].process
        process.send(SIGKILL)
        let killedAt = clock.now

        guard process.waitForExit(timeout: .seconds(10)) == .signalled(SIGKILL) else {
            throw DemoError("node \(process.number) did not die of SIGKILL")
        }
        return Outage(
            victim: victim,
            owned: owned,
            resident: resident,
            acknowledgedBeforeKill: acknowledgedBeforeKill,
            killedAt: killedAt
        )
    }

    /// The nodes as the summary shows them.
    private static func nodes(
        _ members: [DemoCluster.Member],
        placement: [DemoActor: Int],
        victim: Int
    ) -> [DemoSummary.Node] {
        members.enumerated().map { index, member in
            DemoSummary.Node(
                number: member.process.number,
                id: member.ready.node,
                listen: member.ready.listen,
                http: member.ready.http,
                pid: member.process.pid,
                placedActors: placement.values.filter { $0 == index }.count,
                killed: index == victim
            )
        }
    }

    /// What each survivor's cluster view says of the killed node, once both say it is dead or time is up, and
    /// the first survivor's view.
    private func sightings(
        of node: String,
        through gateways: Gateways
    ) -> (sightings: [DemoFindings.Sighting], view: ClusterView?) {
        var views: [ClusterView?] = []
        var sightings: [DemoFindings.Sighting] = []
        _ = poll(within: .seconds(5), every: .milliseconds(50)) {
            views = gateways.survivors.map { try? gateways.clients[$0].cluster(timeout: .seconds(2)) }
            sightings = views.map { Self.sighting(of: node, in: $0) }
            return sightings.allSatisfy { $0 == .dead || $0 == .forgotten }
        }
        return (sightings, views.first ?? nil)
    }

    private static func sighting(of node: String, in view: ClusterView?) -> DemoFindings.Sighting {
        guard let view else {
            return .unreadable
        }
        guard let member = view.nodes.first(where: { $0.id == node }) else {
            return .forgotten
        }
        return member.alive ? .alive : .dead
    }

    /// Every written counter's total, read through the survivors; counters that cannot be read are left out.
    private func readCounters(_ snapshot: WriteLedger.Snapshot, through gateways: Gateways) -> [String: Int64] {
        var readings: [String: Int64] = [:]
        for (turn, key) in snapshot.counters.keys.sorted().enumerated() {
            readings[key] = retrying(turn: turn, gateways) { try $0.total(of: key, timeout: Self.callTimeout) }
        }
        return readings
    }

    /// The items of every map with acknowledged puts, read through the survivors; maps that cannot be read are
    /// left out.
    private func readMaps(
        _ snapshot: WriteLedger.Snapshot,
        through gateways: Gateways
    ) -> [String: [String: String]] {
        var readings: [String: [String: String]] = [:]
        for (turn, map) in snapshot.puts.keys.sorted().enumerated() {
            readings[map] = retrying(turn: turn, gateways) { try $0.items(in: map, timeout: Self.callTimeout) }
        }
        return readings
    }

    /// Tries a read on the survivors in turn for up to ten seconds.
    private func retrying<Value>(
        turn: Int,
        _ gateways: Gateways,
        _ read: (GatewayClient) throws -> Value
    ) -> Value? {
        var value: Value?
        var turn = turn
        _ = poll(within: .seconds(10), every: .milliseconds(50)) {
            turn += 1
            value = try? read(gateways.survivor(turn: turn))
            return value != nil
        }
        return value
    }

    /// Sends SIGTERM to the survivors and waits for them to drain and exit.
    ///
    /// - Returns: How each exited, `nil` for one still running after 20 seconds.
    private func drain(_ members: [DemoCluster.Member], survivors: [Int]) -> [ServeProcess.Exit?] {
        for index in survivors {
            members[index].process.send(SIGTERM)
        }
        return survivors.map { members[$0].process.waitForExit(timeout: .seconds(20)) }
    }
}
