/// The node's counters in Prometheus's text exposition format, for `GET /metrics`.
enum Metrics {
    static func prometheusText(_ runtime: NodeRuntime) -> String {
        var lines: [String] = []
        for (name, value) in runtime.metrics.snapshot.sorted(by: { $0.key < $1.key }) {
            lines.append("# TYPE dna_\(name)_total counter")
            lines.append("dna_\(name)_total \(value)")
        }
        lines.append("# TYPE dna_resident_actors gauge")
        lines.append("dna_resident_actors \(runtime.residentCount)")
        lines.append("# TYPE dna_cluster_members gauge")
        lines.append("dna_cluster_members \(runtime.membership.members.count)")
        lines.append("# TYPE dna_serving gauge")
        lines.append("dna_serving \((try? runtime.checkServing()) == nil ? 0 : 1)")
        return lines.joined(separator: "\n") + "\n"
    }
}
