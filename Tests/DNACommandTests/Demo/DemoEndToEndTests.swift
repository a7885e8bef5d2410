import Foundation
import Testing

@testable import DNACommand

@Suite("dna demo end to end", .timeLimit(.minutes(1)))
struct DemoEndToEndTests {
    @Test("three real nodes, one killed: every check passes and the reclaimed actors answer within the bound")
    func demo() async throws {
        let scratch = try ScratchDirectory()
        let json = scratch.url.appendingPathComponent("demo.json")

        let run = try await DNAExecutable.run(
            ["demo", "--lease-timeout", "2s", "--actors", "10", "--json", json.path],
            in: scratch.url
        )
        #expect(run.exited && run.status == 0, "stdout:\n\(run.output)\nstderr:\n\(run.errors)")

        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any],
            "no JSON summary; stdout:\n\(run.output)\nstderr:\n\(run.errors)"
        )
        let checks = try #require(summary["checks"] as? [[String: Any]])
        let failed = checks.filter { $0["passed"] as? Bool != true }.compactMap { $0["text"] as? String }

        #expect(summary["passed"] as? Bool == true)
        #expect(checks.count == 8)
        #expect(failed.isEmpty, "failed: \(failed)")

        // The figures behind the checks, as the JSON reports them.
        let owned = try #require(summary["owned_actors"] as? Int)
        let first = try #require(summary["first_reclaimed_seconds"] as? Double)
        let last = try #require(summary["last_reclaimed_seconds"] as? Double)
        let bound = try #require(summary["recovery_bound_seconds"] as? Double)
        #expect(owned > 0 && summary["reclaimed_actors"] as? Int == owned)
        #expect(first <= last && last <= bound)
        #expect(bound < 4, "2s lease + 667ms margin + 1s")
        #expect((summary["acknowledged_puts"] as? Int ?? 0) > 0)

        // The summary for people shows the same checks.
        #expect(run.output.components(separatedBy: "✓").count - 1 == 8)
        #expect(!run.output.contains("✗"))
        #expect(run.output.contains("passed: 8 of 8 checks"))
    }

    @Test("settings that cannot make a cluster are refused before any node starts")
    func badFlags() async throws {
        let scratch = try ScratchDirectory()

        let run = try await DNAExecutable.run(
            ["demo", "--lease-timeout", "2s", "--heartbeat-interval", "1500ms"],
            in: scratch.url
        )

        #expect(run.exited && run.status == 64)
        #expect(run.errors.contains("--lease-timeout must be at least twice --heartbeat-interval"))
    }
}
