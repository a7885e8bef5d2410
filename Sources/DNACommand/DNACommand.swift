import DNA
import Foundation

/// The `dna` command: a node, the failover demo, the cluster's status and the benchmarks.
@main
enum DNACommand {
    static let usage = """
        usage: dna <command> [options]

        commands:
          serve                                   run a node with the built-in counter and kv actors
          demo                                    three nodes, a workload, one killed: show failover and check writes
          status --http HOST:PORT                 print the cluster as one node sees it
          bench single-actor|calls|activations   run a benchmark and print its figures
          help                                    show this text

        dna <command> --help shows a command's options.
        """

    static func main() async {
        // The work runs off the main actor: benchmarks must not pay a hop to the main thread per call.
        exit(await run())
    }

    nonisolated static func run() async -> Int32 {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let environment = ProcessInfo.processInfo.environment
        let command = arguments.isEmpty ? "help" : arguments.removeFirst()
        do {
            let status: Int32
            switch command {
            case "serve" where arguments.contains("--help"):
                print(ServeCommand.usage)
                status = 0
            case "serve":
                status = try await ServeCommand.run(arguments, environment: environment)
            case "demo" where arguments.contains("--help"):
                print(DemoCommand.usage)
                status = 0
            case "demo":
                status = try await DemoCommand.run(arguments, environment: environment)
            case "status" where arguments.contains("--help"):
                print(StatusCommand.usage)
                status = 0
            case "status":
                status = try await StatusCommand.run(arguments, environment: environment)
            case "bench":
                status = try await BenchCommand.run(arguments, environment: environment)
            case "help", "--help", "-h":
                print(usage)
                status = 0
            default:
                throw UsageError("unknown command \"\(command)\"")
            }
            return status
        } catch let error as UsageError {
            FileHandle.standardError.write(Data("dna: \(error)\n\n\(usage)\n".utf8))
            return 64
        } catch {
            FileHandle.standardError.write(Data("dna: \(error)\n".utf8))
            return 1
        }
    }
}
