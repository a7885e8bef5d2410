import Dispatch
import Foundation
import Glibc
import Synchronization

@testable import DNANetwork

/// Starts the node processes from one thread that lives as long as the test process, each under
/// `setpriv --pdeathsig KILL`, so that the nodes die with the test process however it ends (even by SIGKILL).
///
/// Linux sends the parent-death signal when the thread that started the child ends, not the process; threads
/// of the cooperative pool or of Dispatch may end at any time, so the children must not be started from them.
enum Spawner {
    private static let jobs = Mutex<[@Sendable () -> Void]>([])
    private static let wakeup = DispatchSemaphore(value: 0)
    private static let thread: Void = {
        let thread = ThreadLauncher.start(name: "dna-spawner") {
            while true {
                wakeup.wait()
                if let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                    job()
                }
            }
        }
        pthread_detach(thread)
    }()

    /// The program and arguments that run `executable` with `arguments` under the parent-death signal, or as
    /// they are when `setpriv` is not installed.
    static func command(_ executable: String, _ arguments: [String]) -> (String, [String]) {
        let setpriv = "/usr/bin/setpriv"
        guard FileManager.default.isExecutableFile(atPath: setpriv) else {
            return (executable, arguments)
        }
        return (setpriv, ["--pdeathsig", "KILL", "--", executable] + arguments)
    }

    /// Runs `process` from the spawning thread.
    static func run(_ process: Process) async throws {
        _ = thread
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            jobs.withLock { jobs in
                jobs.append {
                    continuation.resume(with: Result { try process.run() })
                }
            }
            wakeup.signal()
        }
    }
}
