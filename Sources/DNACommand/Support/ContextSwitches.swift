import Foundation

/// Context switches of every thread of a process, from `/proc/PID/task/*/status`.
///
/// Thread hand-offs are what a forwarded call costs beyond the kernel's loopback path; counting the switches
/// per call shows them even on a loaded machine, where latencies are noisy.
enum ContextSwitches {
    /// The voluntary and involuntary switches of all threads of `pid` (this process by default) so far.
    static func total(of pid: Int32 = getpid()) -> Int {
        let directory = "/proc/\(pid)/task"
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return 0
        }
        var sum = 0
        for thread in threads {
            guard let status = try? String(contentsOfFile: "\(directory)/\(thread)/status", encoding: .utf8) else {
                continue
            }
            for line in status.split(separator: "\n") where line.hasSuffix("ctxt_switches") == false {
                if line.hasPrefix("voluntary_ctxt_switches:") || line.hasPrefix("nonvoluntary_ctxt_switches:") {
                    sum += Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
                }
            }
        }
        return sum
    }
}
