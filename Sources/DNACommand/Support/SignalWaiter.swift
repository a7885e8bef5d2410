import Dispatch
import Foundation

/// Turns POSIX signals into async events, through Dispatch signal sources, so that no thread blocks in
/// `sigwait` and the default disposition (which would kill the process) is off for the signals watched.
final class SignalWaiter {
    private let sources: [any DispatchSourceSignal]
    private let stream: AsyncStream<Int32>

    /// Starts watching `signals`.
    init(_ signals: [Int32]) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let queue = DispatchQueue(label: "dna.signals")
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        self.stream = stream
    }

    /// The signals as they arrive.
    var signals: AsyncStream<Int32> { stream }

    deinit {
        for source in sources {
            source.cancel()
        }
    }
}
