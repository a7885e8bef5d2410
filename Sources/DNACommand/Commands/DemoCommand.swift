import Foundation

/// `dna demo`: three nodes on one SQLite file, a workload through all of them, one node killed with SIGKILL,
/// its actors served again by the others, and every acknowledged write read back.
struct DemoCommand {
    static let usage = """
        usage: dna demo [options]   (each option also as DNA_<NAME>)
          --lease-timeout D       the nodes' lease (default 3s)
          --heartbeat-interval D  (default: a sixth of the lease timeout)
          --dead-margin D         peers wait this much beyond the lease (default: a third of the lease timeout)
          --recovery-bound D      every reclaimed actor must answer this soon after the kill
                                  (default: lease timeout + dead margin + 1s, so 5s with the default lease)
          --actors N              the workload writes to N counters and N kv maps (default 30)
          --keep                  keep the data directory (SQLite file, node logs); a failed run always keeps it
          --json PATH             also write the summary as JSON
        Starts three `dna serve` nodes on free loopback ports, writes through all three gateways, kills the node
        that owns the most actors with SIGKILL, measures how soon its actors answer through the survivors, reads
        every acknowledged write back and prints the checks. Exits 0 only when every check passed.
        """

    /// The lines of each node's log shown when the demo fails.
    private static let logLines = 8

    static func run(_ words: [String], environment: [String: String]) async throws -> Int32 {
        var arguments = try Arguments(words, booleanFlags: DemoSettings.booleanFlags, environment: environment)
        guard arguments.words.isEmpty else {
            throw UsageError("demo takes no words, only options: \(arguments.words.joined(separator: " "))")
        }
        let settings = try DemoSettings(&arguments)
        try arguments.checkAllUsed()

        let cluster = DemoCluster(directory: try DemoDirectory.make())
        let interruption = DemoInterruption(cluster: cluster, keepDirectory: settings.keep)
        let outcome = await BlockingWork.run(name: "dna-demo") {
            Result { try DemoRun(settings: settings, cluster: cluster).run() }
        }
        // Whatever happened, no node outlives the demo.
        await BlockingWork.run(name: "dna-demo-stop") { cluster.killAll() }
        interruption.cancel()

        let passed = report(outcome, settings: settings, cluster: cluster)
        if passed && !settings.keep {
            cluster.directory.remove()
        } else {
            print("the data directory is kept: \(cluster.directory.path)")
        }
        return passed ? 0 : 1
    }

    /// Prints the summary or the error, with the nodes' last log lines when something failed, and writes the
    /// JSON summary; returns whether every check passed.
    private static func report(
        _ outcome: Result<DemoSummary, any Error>,
        settings: DemoSettings,
        cluster: DemoCluster
    ) -> Bool {
        var passed = false
        switch outcome {
        case .success(let summary):
            print(summary.text)
            passed = summary.passed
            if let path = settings.json {
                do {
                    try summary.json().write(to: URL(fileURLWithPath: path))
                } catch {
                    FileHandle.standardError.write(Data("dna demo: cannot write \(path): \(error)\n".utf8))
                    passed = false
                }
            }
        case .failure(let error):
            FileHandle.standardError.write(Data("dna demo: \(error)\n".utf8))
        }

        if !passed {
            printLogTails(cluster)
        }
        return passed
    }

    private static func printLogTails(_ cluster: DemoCluster) {
        for process in cluster.all {
            let tail = process.logTail(lines: logLines)
            var text = "\n--- node \(process.number): last lines of \(process.logPath)\n"
            text += tail.isEmpty ? "(empty)\n" : tail.joined(separator: "\n") + "\n"
            FileHandle.standardError.write(Data(text.utf8))
        }
    }
}
