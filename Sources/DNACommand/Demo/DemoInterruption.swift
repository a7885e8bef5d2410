import Dispatch
import Foundation

/// Kills the demo's nodes and exits when the demo gets SIGINT or SIGTERM, wherever its run has got to.
///
/// The handler runs on a queue of its own while the run's thread may be blocked in a call; the nodes must not
/// outlive the demo, and nothing the run would still do matters once the user asked it to stop.
final class DemoInterruption {
    private let sources: [any DispatchSourceSignal]

    /// Starts watching; until ``cancel()`` the signals no longer end the process at once.
    init(cluster: DemoCluster, keepDirectory: Bool) {
        let queue = DispatchQueue(label: "dna.demo.signals")
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                cluster.killAll()
                if !keepDirectory {
                    cluster.directory.remove()
                }
                FileHandle.standardError.write(Data("dna demo: interrupted; the nodes were killed\n".utf8))
                exit(128 + number)
            }
            source.resume()
            return source
        }
    }

    /// Stops watching and gives the signals their default effect back.
    func cancel() {
        for source in sources {
            source.cancel()
        }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
