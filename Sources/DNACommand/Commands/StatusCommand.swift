import DNANetwork
import Foundation

/// `dna status --http HOST:PORT`: asks one node for its view of the cluster and prints it as a table.
struct StatusCommand {
    static let usage = """
        usage: dna status --http HOST:PORT [--timeout D]   (also DNA_HTTP)
          --http HOST:PORT   the HTTP gateway of any node of the cluster
          --timeout D        how long to wait for the answer (default 5s)
        Prints every node the asked node knows: id, transport and HTTP addresses, whether it is alive and
        draining, its load and resident actors; * marks the node asked.
        """

    static func run(_ words: [String], environment: [String: String]) async throws -> Int32 {
        var arguments = try Arguments(words, environment: environment)
        guard arguments.words.isEmpty else {
            throw UsageError("status takes no words, only options: \(arguments.words.joined(separator: " "))")
        }
        guard let address = arguments.string("http") else {
            throw UsageError("status needs --http HOST:PORT")
        }
        let timeout = try arguments.duration("timeout", default: .seconds(5))
        try arguments.checkAllUsed()

        let view = try await fetch(from: address, timeout: timeout)
        print(ClusterTable.render(view))
        return 0
    }

    /// Asks the node at `address` for its cluster view.
    ///
    /// - Throws: ``StatusError`` when the node cannot be reached, answers with an error or answers garbage.
    static func fetch(from address: String, timeout: Duration) async throws(StatusError) -> ClusterView {
        let response: HTTPClient.Response
        do {
            response = try await HTTPClient.request(url: "http://\(address)/v1/cluster", timeout: timeout)
        } catch {
            throw failure(error, from: address)
        }
        return try view(status: response.status, body: response.body, from: address)
    }

    /// What to say when no HTTP answer came: nobody there, or something there that is not a node's gateway.
    static func failure(_ error: NetworkError, from address: String) -> StatusError {
        switch error.code {
        case .malformed:
            return StatusError("\(address) answered something that is not HTTP (\(error.message))")
        case .closed:
            return StatusError("\(address) closed the connection without an answer: is it a node's HTTP address?")
        default:
            return StatusError("cannot reach a node at \(address): \(error.message)")
        }
    }

    /// The cluster view in an answer, or what is wrong with it.
    static func view(status: Int, body: [UInt8], from address: String) throws(StatusError) -> ClusterView {
        guard status == 200 else {
            let reason = GatewayError.decode(status: status, body: body)
            throw StatusError("the node at \(address) answered \(reason)")
        }
        do {
            return try ClusterView.decode(body)
        } catch {
            throw StatusError("the node at \(address) did not answer with a cluster view: \(error)")
        }
    }
}

/// Why `dna status` could not show the cluster.
struct StatusError: Error, Equatable, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
