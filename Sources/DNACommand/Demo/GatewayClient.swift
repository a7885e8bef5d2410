import DNANetwork
import Foundation

/// Blocking JSON calls to one node's gateway: the built-in counter and kv actors, and the cluster view.
///
/// Each call passes its deadline to the gateway (`?timeout=`) and waits a second longer itself, so that a slow
/// actor shows as the gateway's `timed_out` answer rather than as a lost connection.
///
/// - Important: Every method blocks its thread: call them only on the demo's own threads.
struct GatewayClient: Sendable {
    /// The gateway's `host:port`.
    let address: String

    /// Adds `amount` to the counter `key` and returns the new total.
    func add(_ amount: Int64, to key: String, timeout: Duration) throws(GatewayError) -> Int64 {
        try call(.counter, key, body: Array(#"{"add":\#(amount)}"#.utf8), timeout: timeout, as: CounterReply.self)
            .value
    }

    /// The total of the counter `key`.
    func total(of key: String, timeout: Duration) throws(GatewayError) -> Int64 {
        try call(.counter, key, body: Array(#"{"get":{}}"#.utf8), timeout: timeout, as: CounterReply.self).value
    }

    /// Stores `value` under `item` in the kv map `map`.
    func put(_ value: String, at item: String, in map: String, timeout: Duration) throws(GatewayError) {
        let body = Self.encode(["put": ["key": item, "value": value]])
        _ = try call(.kv, map, body: body, timeout: timeout, as: OKReply.self)
    }

    /// Every item of the kv map `map`, read page by page in key order.
    func items(in map: String, timeout: Duration) throws(GatewayError) -> [String: String] {
        var items: [String: String] = [:]
        var after: String?
        while true {
            let body = Self.encode(ListRequest(list: .init(prefix: "", limit: Self.pageSize, after: after)))
            let page = try call(.kv, map, body: body, timeout: timeout, as: ItemsReply.self).items
            for item in page {
                items[item.key] = item.value
            }

            // A page that does not move past the cursor would loop for ever: it is a wrong answer.
            guard page.count == Self.pageSize else {
                return items
            }
            guard let last = page.last?.key, last != after else {
                throw GatewayError.badAnswer(Array("a list page did not advance past \(after ?? "the start")".utf8))
            }
            after = last
        }
    }

    /// Calls `actor` with a message that reads and writes nothing: it answers once the actor runs somewhere.
    func probe(_ actor: DemoActor, timeout: Duration) throws(GatewayError) {
        switch actor.kind {
        case .counter:
            _ = try total(of: actor.key, timeout: timeout)
        case .kv:
            let body = Array(#"{"list":{"limit":0}}"#.utf8)
            _ = try call(.kv, actor.key, body: body, timeout: timeout, as: ItemsReply.self)
        }
    }

    /// The node's view of the cluster.
    func cluster(timeout: Duration) throws(GatewayError) -> ClusterView {
        let response = try send(method: "GET", path: "/v1/cluster", body: [], timeout: timeout)
        do {
            return try ClusterView.decode(response)
        } catch {
            throw GatewayError.badAnswer(Array("\(error)".utf8))
        }
    }

    // MARK: Exchanges

    /// The most items one list call asks for: the kv actor's own bound.
    private static let pageSize = 1_000

    private func call<Reply: Decodable>(
        _ kind: DemoActor.Kind,
        _ key: String,
        body: [UInt8],
        timeout: Duration,
        as type: Reply.Type
    ) throws(GatewayError) -> Reply {
        let milliseconds = max(Int64((timeout / .milliseconds(1)).rounded()), 1)
        let path = "/v1/actors/\(kind.rawValue)/\(key)?timeout=\(milliseconds)"
        let bytes = try send(method: "POST", path: path, body: body, timeout: timeout + .seconds(1))
        guard let reply = try? JSONDecoder().decode(Reply.self, from: Data(bytes)) else {
            throw GatewayError.badAnswer(bytes)
        }
        return reply
    }

    /// Sends one request and returns the body of a 200 answer.
    private func send(method: String, path: String, body: [UInt8], timeout: Duration) throws(GatewayError) -> [UInt8] {
        let response: HTTPClient.Response
        do {
            response = try HTTPClient.request(
                method: method,
                url: "http://\(address)\(path)",
                headers: ["Content-Type": "application/json"],
                body: body,
                timeout: timeout
            )
        } catch {
            throw GatewayError.unreachable(error)
        }
        guard response.status == 200 else {
            throw GatewayError.decode(status: response.status, body: response.body)
        }
        return response.body
    }

    private static func encode(_ value: some Encodable) -> [UInt8] {
        // Dictionaries and structs of strings and numbers always encode.
        Array(try! JSONEncoder().encode(value))
    }

    // MARK: Bodies

    private struct CounterReply: Decodable {
        var value: Int64
    }

    private struct OKReply: Decodable {
        var ok: Bool
    }

    private struct ItemsReply: Decodable {
        struct Item: Decodable {
            var key: String
            var value: String
        }

        var items: [Item]
    }

    private struct ListRequest: Encodable {
        struct Body: Encodable {
            var prefix: String
            var limit: Int
            var after: String?
        }

        var list: Body
    }
}
