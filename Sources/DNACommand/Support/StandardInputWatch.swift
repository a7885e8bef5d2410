import Foundation

/// Sends this process SIGTERM once its standard input reaches end of file.
///
/// A supervisor that gives its child a pipe as standard input and keeps the write end closes it however it
/// ends, even when killed: the child then drains instead of running on as an orphan.
enum StandardInputWatch {
    /// Starts the watch on a thread of its own, which blocks in `read`.
    static func start() {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 256)
            while true {
                let count = read(STDIN_FILENO, &buffer, buffer.count)
                // Bytes are ignored: only the end of the input means something.
                if count > 0 || (count < 0 && errno == EINTR) {
                    continue
                }
                break
            }
            kill(getpid(), SIGTERM)
        }
        thread.name = "dna-stdin-watch"
        thread.start()
    }
}
