/// The line `dna serve` prints once it serves: `ready node=<id> listen=<host:port> http=<host:port>`.
struct ReadyLine: Equatable, Sendable {
    var node: String
    var listen: String
    var http: String

    /// Parses a line; `nil` when it is not a ready line or lacks a field.
    init?(_ line: String) {
        let words = line.split(separator: " ")
        guard words.first == "ready" else {
            return nil
        }

        var fields: [Substring: Substring] = [:]
        for word in words.dropFirst() {
            guard let equals = word.firstIndex(of: "=") else {
                continue
            }
            fields[word[..<equals]] = word[word.index(after: equals)...]
        }

        guard let node = fields["node"], let listen = fields["listen"], let http = fields["http"],
            !node.isEmpty, !listen.isEmpty, !http.isEmpty
        else {
            return nil
        }
        self.node = String(node)
        self.listen = String(listen)
        self.http = String(http)
    }
}
