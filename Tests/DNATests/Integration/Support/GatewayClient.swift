import DNANetwork
import Foundation

/// JSON calls to one node's HTTP gateway.
///
/// Every request runs on a thread of its own (``HTTPClient``'s async form), so the cooperative pool is never
/// blocked, not even by a stopped node that accepts connections and answers nothing.
struct GatewayClient: Sendable {
    /// A reply other than 200, or a body that is not what the call returns.
    struct Failure: Error, CustomStringConvertible {
        var status: Int
        var body: String

        var description: String { "HTTP \(status): \(body)" }

        /// Whether the answer is one a client of a cluster in failover retries: the owner is unreachable, fenced
        /// or handing over, or its store failed under it (503), the call timed out (504), or the actor restarted
        /// too often on the failing store (500 with `restart_limit_exceeded`).
        var isTransient: Bool {
            switch status {
            case 503, 504: true
            case 500: body.contains(#""code":"restart_limit_exceeded""#)
            default: false
            }
        }
    }

    /// The `host:port` of the gateway.
    let address: String

    /// How long the node may work on a call; the client waits a little longer, so the node's answer wins.
    static let callTimeout: Duration = .seconds(12)

    /// POSTs `json` to `path`, telling the node to give up on the call after `timeout`.
    func post(_ path: String, _ json: String, timeout: Duration = callTimeout) async throws -> HTTPClient.Response {
        let separator = path.contains("?") ? "&" : "?"
        let millis = timeout.components.seconds * 1000
        return try await HTTPClient.request(
            method: "POST",
            url: "http://\(address)\(path)\(separator)timeout=\(max(millis, 1))",
            headers: ["Content-Type": "application/json"],
            body: Array(json.utf8),
            timeout: timeout + .seconds(3)
        )
    }

    /// GETs `path`.
    func get(_ path: String, timeout: Duration = .seconds(10)) async throws -> HTTPClient.Response {
        try await HTTPClient.request(url: "http://\(address)\(path)", timeout: timeout)
    }

    /// Sends `message` (JSON) to the actor `type/key` and decodes the 200 reply.
    ///
    /// - Throws: ``Failure`` for any other status, `NetworkError` when the exchange itself failed.
    func call<Reply: Decodable>(
        _ type: String,
        _ key: String,
        _ message: String,
        as reply: Reply.Type,
        timeout: Duration = callTimeout
    ) async throws -> Reply {
        let response = try await post("/v1/actors/\(type)/\(key)", message, timeout: timeout)
        guard response.status == 200, let decoded = try? JSONDecoder().decode(Reply.self, from: Data(response.body))
        else {
            throw Failure(status: response.status, body: response.text)
        }
        return decoded
    }

    /// Adds to the counter `key`; returns the new total.
    func add(_ key: String, _ amount: Int64, timeout: Duration = callTimeout) async throws -> Int64 {
        try await call("counter", key, #"{"add": \#(amount)}"#, as: CounterReply.self, timeout: timeout).value
    }

    /// The total of the counter `key`.
    func counter(_ key: String, timeout: Duration = callTimeout) async throws -> Int64 {
        try await call("counter", key, #"{"get": {}}"#, as: CounterReply.self, timeout: timeout).value
    }

    /// Puts a string under `key` in the kv actor `actor`.
    func put(_ actor: String, key: String, value: String, timeout: Duration = callTimeout) async throws {
        let message = #"{"put": {"key": \#(Self.quoted(key)), "value": \#(Self.quoted(value))}}"#
        let reply = try await call("kv", actor, message, as: OKReply.self, timeout: timeout)
        guard reply.ok else {
            throw Failure(status: 200, body: "put answered ok=false")
        }
    }

    /// The string under `key` in the kv actor `actor`, or `nil`.
    func value(_ actor: String, key: String) async throws -> String? {
        try await call("kv", actor, #"{"get": {"key": \#(Self.quoted(key))}}"#, as: ValueReply.self).value
    }

    /// Every item of the kv actor `actor` whose key starts with `prefix`, page by page.
    func items(_ actor: String, prefix: String) async throws -> [String: String] {
        var items: [String: String] = [:]
        var after: String?
        while true {
            let cursor = after.map { #", "after": \#(Self.quoted($0))"# } ?? ""
            let message = #"{"list": {"prefix": \#(Self.quoted(prefix)), "limit": 1000\#(cursor)}}"#
            let page = try await call("kv", actor, message, as: ItemsReply.self).items
            for item in page {
                items[item.key] = item.value
            }
            guard page.count == 1000, let last = page.last else {
                return items
            }
            after = last.key
        }
    }

    /// `GET /v1/cluster`.
    func status() async throws -> ClusterStatusView {
        let response = try await get("/v1/cluster")
        guard response.status == 200 else {
            throw Failure(status: response.status, body: response.text)
        }
        return try JSONDecoder().decode(ClusterStatusView.self, from: Data(response.body))
    }

    /// The status code of `GET /readyz`.
    func readiness() async throws -> Int {
        try await get("/readyz").status
    }

    /// `value` as a JSON string literal.
    static func quoted(_ value: String) -> String {
        // Encoding a String cannot fail.
        String(decoding: try! JSONEncoder().encode(value), as: UTF8.self)
    }

    private struct CounterReply: Decodable {
        var value: Int64
    }

    private struct OKReply: Decodable {
        var ok: Bool
    }

    private struct ValueReply: Decodable {
        var value: String?
    }

    private struct ItemsReply: Decodable {
        struct Item: Decodable {
            var key: String
            var value: String
        }

        var items: [Item]
    }
}

/// The body of `GET /v1/cluster`.
struct ClusterStatusView: Decodable, Sendable {
    struct Member: Decodable, Sendable {
        var id: String
        var address: String
        var http: String
        var alive: Bool
        var draining: Bool
        var residentActors: Int
        var this: Bool

        enum CodingKeys: String, CodingKey {
            case id, address, http, alive, draining, this
            case residentActors = "resident_actors"
        }
    }

    var cluster: String
    var node: String
    var phase: String
    var nodes: [Member]

    /// The row of the node that answered.
    var me: Member? {
        nodes.first(where: \.this)
    }
}

extension GatewayClient {
    /// Calls `operation` until it succeeds, as a client of a cluster in failover would, and throws its last
    /// error if it has not succeeded within `timeout`.
    ///
    /// Retried: the answers ``Failure/isTransient`` names, and failed exchanges. A call sent in the instant its
    /// owner died fails with 503 `node_unreachable`: it may have reached the owner, so the node does not send it
    /// again on its own.
    static func retrying<Value>(
        within timeout: Duration,
        _ operation: () async throws -> Value
    ) async throws -> Value {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                return try await operation()
            } catch let failure as Failure where !failure.isTransient {
                throw failure
            } catch {
                guard ContinuousClock.now < deadline else {
                    throw error
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }
}
