import Glibc

@testable import DNANetwork

/// Sends hand-made bytes to an HTTP gateway and reports what came back, for requests no client library would
/// send.
enum RawHTTPExchange {
    /// What the gateway did with the bytes.
    enum Outcome: Equatable, Sendable, CustomStringConvertible {
        /// It answered with this status (and may have closed the connection after).
        case status(Int)
        /// It closed the connection (or reset it) without an answer.
        case closed
        /// It neither answered nor closed before the deadline.
        case open

        var description: String {
            switch self {
            case .status(let code): "HTTP \(code)"
            case .closed: "closed without an answer"
            case .open: "left open without an answer"
            }
        }

        /// A 4xx answer or a closed connection: what bad input must meet.
        var isRefusal: Bool {
            switch self {
            case .status(let code): (400..<500).contains(code)
            case .closed: true
            case .open: false
            }
        }
    }

    /// Sends `bytes` to `address` (`host:port`), then, when `endsInput`, closes the sending side; reads until
    /// the gateway closes or `within` has passed, on a thread of its own.
    static func send(
        _ bytes: [UInt8],
        to address: String,
        endsInput: Bool = false,
        within timeout: Duration = .seconds(5)
    ) async throws -> Outcome {
        guard let peer = PeerAddress(address) else {
            throw NetworkError(code: .invalidAddress, message: address)
        }
        return try await ThreadLauncher.runBlocking(name: "dna-raw-http") {
            let deadline = MonotonicTime.now().advanced(by: timeout)
            let socket = try BlockingSocket.connect(host: peer.host, port: peer.port, deadline: deadline)
            defer { socket.close() }

            // The gateway may refuse and close before it has read everything: a failed send is not the end.
            try? socket.send(bytes, deadline: deadline)
            if endsInput {
                shutdown(socket.descriptor, Int32(SHUT_WR))
            }
            var received: [UInt8] = []
            var ended = false
            while !ended {
                do {
                    let chunk = try socket.receive(deadline: deadline)
                    received += chunk
                    ended = chunk.isEmpty
                } catch {
                    if (error as? NetworkError)?.code == .timedOut && received.isEmpty {
                        return .open
                    }
                    ended = true
                }
            }
            return status(of: received).map(Outcome.status) ?? .closed
        }
    }

    /// The status code of a response that starts `HTTP/1.1 NNN`.
    private static func status(of bytes: [UInt8]) -> Int? {
        let head = String(decoding: bytes.prefix(16), as: UTF8.self)
        guard head.hasPrefix("HTTP/1."), head.count >= 12 else {
            return nil
        }
        return Int(head.dropFirst(9).prefix(3))
    }
}
