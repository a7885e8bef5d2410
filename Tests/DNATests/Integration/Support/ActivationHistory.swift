/// Which node identity ran which actor, under which epoch and when, read from the nodes' `activated` log lines
/// (written at `--log-level debug`) and from the test's ``ClusterTimeline``; and the check that no name was ever
/// served by two live instances at once.
///
/// An activation belongs to the identity whose claim it runs under (`actor.owner`; the node's current id, which
/// differs only in the instant a fenced node takes a new one). Per name, in time order: epochs never fall, and
/// rise whenever the name moves to another identity; no epoch is seen on two identities; and a name moves only
/// after the identity that had it ended: killed, stopped, cut off from its store, fenced (its lease ran out) or
/// drained.
struct ActivationHistory: Sendable {
    /// The standard error of one node process.
    struct NodeLog: Sendable {
        var process: Int
        /// The node id of its ready line.
        var startedAs: String
        var text: String
    }

    struct Activation: Sendable, CustomStringConvertible {
        /// Wall-clock milliseconds.
        var time: Int64
        var name: String
        var epoch: Int64
        /// The identity whose claim the activation runs under.
        var node: String
        var process: Int

        var description: String { "\(name)@\(epoch) on \(node) (node \(process)) at \(time)" }
    }

    /// One identity of a node process, from its start or rejoin to its end.
    struct Identity: Sendable {
        var process: Int
        var born: Int64
        /// When it stopped serving, as far as the logs and the timeline tell.
        var ended: Int64?
        var endedBy: String?

        mutating func end(at time: Int64, by cause: String) {
            if ended.map({ time < $0 }) ?? true {
                ended = time
                endedBy = cause
            }
        }
    }

    private(set) var activations: [Activation] = []
    private(set) var identities: [String: Identity] = [:]

    /// Reads the logs.
    ///
    /// - Parameter reference: A wall-clock time in milliseconds near the logs' (they carry the time of day only).
    init(logs: [NodeLog], events: [ClusterTimeline.Event], around reference: Int64) {
        for log in logs {
            identities[log.startedAs] = Identity(process: log.process, born: .min)
            for line in log.text.split(separator: "\n") {
                read(line, of: log.process, around: reference)
            }
        }
        for event in events where event.kind.endsIdentity {
            // The event ends the identity the process had at that moment: the latest born before it.
            let current = identities.filter { $0.value.process == event.process && $0.value.born <= event.time }
                .max { $0.value.born < $1.value.born }?.key
            if let current {
                identities[current]?.end(at: event.time, by: "\(event.kind)")
            }
        }
    }

    private mutating func read(_ line: Substring, of process: Int, around reference: Int64) {
        guard let labelEnd = line.firstRange(of: ": "), let time = Self.time(of: line, around: reference) else {
            return
        }
        let text = line[labelEnd.upperBound...]
        var metadata: [String: String] = [:]
        for word in text.split(separator: " ") {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2 {
                metadata[String(parts[0])] = String(parts[1])
            }
        }

        if text.hasPrefix("activated "), let name = metadata["actor.name"],
            let node = metadata["actor.owner"] ?? metadata["node.id"],
            let epoch = metadata["actor.epoch"].flatMap({ Int64($0) })
        {
            activations.append(Activation(time: time, name: name, epoch: epoch, node: node, process: process))
            if identities[node] == nil {
                identities[node] = Identity(process: process, born: time)
            }
        } else if text.hasPrefix("rejoined the cluster"), let node = metadata["node.id"] {
            identities[node] = Identity(process: process, born: time)
        } else if text.hasPrefix("lease lost;"), let node = metadata["node.id"] {
            // The node stopped serving when its lease ran out, which may be long before it noticed.
            let overdue = metadata["lease.overdue_ms"].flatMap { Int64($0) } ?? 0
            identities[node, default: Identity(process: process, born: .min)].end(at: time - overdue, by: "fence")
        }
    }

    /// The time of a line that starts `HH:MM:SS.mmmZ`, as wall-clock milliseconds near `reference`.
    private static func time(of line: Substring, around reference: Int64) -> Int64? {
        let stamp = line.prefix { $0 != " " }
        let parts = stamp.dropLast().split(separator: ":")
        guard stamp.hasSuffix("Z"), parts.count == 3, let hours = Int64(parts[0]), let minutes = Int64(parts[1]),
            let seconds = Double(parts[2])
        else {
            return nil
        }
        let day: Int64 = 86_400_000
        let ofDay = (hours * 3_600 + minutes * 60) * 1_000 + Int64((seconds * 1_000).rounded())
        var time = reference - reference % day + ofDay
        // A run that crossed midnight (UTC) between the reference and the line.
        if time < reference - day / 2 {
            time += day
        } else if time > reference + day / 2 {
            time -= day
        }
        return time
    }

    /// The activations of each name, in time order.
    var byName: [String: [Activation]] {
        Dictionary(grouping: activations, by: \.name).mapValues { list in
            list.sorted { ($0.time, $0.epoch) < ($1.time, $1.epoch) }
        }
    }

    /// How many times a name moved from one identity to another.
    var handOvers: Int {
        byName.values.reduce(0) { total, list in
            total + zip(list, list.dropFirst()).filter { $0.node != $1.node }.count
        }
    }

    /// How many times a name moved away from the identity `node`.
    func handOvers(from node: String) -> Int {
        byName.values.reduce(0) { total, list in
            total + zip(list, list.dropFirst()).filter { $0.node == node && $1.node != node }.count
        }
    }

    /// Every breach of single activation, described; empty when there is none.
    func violations() -> [String] {
        var found: [String] = []
        for (name, list) in byName.sorted(by: { $0.key < $1.key }) {
            var epochOwners: [Int64: String] = [:]
            for activation in list {
                if let other = epochOwners[activation.epoch], other != activation.node {
                    found.append("\(name) epoch \(activation.epoch) was activated on \(other) and \(activation.node)")
                }
                epochOwners[activation.epoch] = activation.node
            }
            for (previous, next) in zip(list, list.dropFirst()) {
                found.append(contentsOf: check(previous, then: next))
            }
        }
        return found
    }

    private func check(_ previous: Activation, then next: Activation) -> [String] {
        if previous.node == next.node {
            return next.epoch < previous.epoch ? ["\(next) came after \(previous) with a lower epoch"] : []
        }
        var found: [String] = []
        if next.epoch <= previous.epoch {
            found.append("\(next) moved from \(previous) without raising the epoch")
        }
        guard let ended = identities[previous.node]?.ended else {
            found.append("\(next) while \(previous.node) was neither killed, stopped, fenced nor drained")
            return found
        }
        if ended > next.time {
            let cause = identities[previous.node]?.endedBy ?? "?"
            found.append("\(next) before \(previous.node) ended (\(cause) at \(ended))")
        }
        return found
    }
}
