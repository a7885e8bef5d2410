import DNA
import Foundation

/// `dna serve`: runs one node with the built-in actor types until SIGTERM or SIGINT, then drains.
struct ServeCommand {
    static let usage = """
        usage: dna serve [options]   (each option also as DNA_<NAME>, e.g. DNA_STORE)
          --store sqlite:PATH|memory|postgres:URL|cql://HOST:PORT/KEYSPACE   (default sqlite:dna.db)
          --cluster NAME              nodes of one cluster share its store and this name (default "default")
          --listen HOST:PORT          the cluster transport (default 127.0.0.1:0, a free port)
          --advertise HOST:PORT       the transport address peers use (default: the bound address)
          --http HOST:PORT            the HTTP gateway (default 127.0.0.1:0)
          --secret-file PATH          the cluster secret; without it, loopback-only nodes use a development secret
          --heartbeat-interval D      e.g. 500ms (default: a sixth of the lease timeout)
          --lease-timeout D           e.g. 3s (default 6s)
          --dead-margin D             peers wait this much beyond the lease (default: a third of the lease timeout)
          --placement local|hash|least-loaded   where unowned names are claimed (default local)
          --busy-poll D               the transport polls this long before sleeping (default 50us; 0: never)
          --cast-coalescing D         a streamed cast waits this long for the next ones (default 200us; 0: never)
          --log-level debug|info|warning|error  messages on standard error (default info)
          --exit-on-stdin-close       drain and exit once standard input closes (for a supervisor's children)
        Once ready it prints one line: ready node=<id> listen=<host:port> http=<host:port>
        """

    static func run(_ words: [String], environment: [String: String]) async throws -> Int32 {
        var arguments = try Arguments(
            words,
            booleanFlags: ["bench-actors", "exit-on-stdin-close"],
            environment: environment
        )
        guard arguments.words.isEmpty else {
            throw UsageError("serve takes no words, only options: \(arguments.words.joined(separator: " "))")
        }
        let settings = try ServeSettings(&arguments)
        // Undocumented: the benchmark actor types, for the owner node of the remote benchmarks.
        let benchActors = try arguments.flag("bench-actors")
        let exitsOnStdinClose = try arguments.flag("exit-on-stdin-close")
        try arguments.checkAllUsed()

        let signals = SignalWaiter([SIGTERM, SIGINT, SIGUSR1, SIGUSR2])
        if exitsOnStdinClose {
            // Started after the signal watch, so that the SIGTERM it raises drains instead of killing.
            StandardInputWatch.start()
        }
        let faults = FaultInjectingStore(try await settings.store.open(logger: settings.logger))
        var configuration = settings.configuration(store: .custom(faults))
        configuration.logger = settings.logger
        let types: [any DurableActor.Type] = [CounterActor.self, KeyValueActor.self]
        let node = try await Node.start(configuration, actorTypes: types + (benchActors ? BenchActorTypes.all : []))

        let listen = node.transportAddress ?? "-"
        let http = node.gatewayAddress ?? "-"
        // Unbuffered, so that a supervisor reading a pipe sees the line at once.
        FileHandle.standardOutput.write(Data("ready node=\(node.id) listen=\(listen) http=\(http)\n".utf8))

        for await number in signals.signals {
            switch number {
            case SIGUSR1 where settings.faultInjection:
                faults.isFailing = true
                settings.logger.warning("fault injection: the store fails from now on")
            case SIGUSR2 where settings.faultInjection:
                faults.isFailing = false
                settings.logger.warning("fault injection: the store works again")
            case SIGTERM, SIGINT:
                settings.logger.info("draining on signal", metadata: ["signal": "\(number)"])
                await node.shutdown()
                return 0
            default:
                continue
            }
        }
        return 0
    }
}
