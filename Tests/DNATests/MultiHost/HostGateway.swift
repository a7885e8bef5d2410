import DNANetwork
import Foundation

/// Calls to one node's HTTP gateway with the built-in `counter` and `kv` actors: from the root namespace over
/// the bridge, or from inside a host's own namespace.
struct HostGateway: Sendable {
    /// The gateway's `host:port`.
    var address: String
    /// The namespace to send from; `nil` sends from the test's own (root) namespace.
    var namespace: String?

    /// The node's limit on one call (the gateway's `timeout` parameter). The client waits two seconds longer, so
    /// that a call the node cannot complete comes back as an error response rather than a client timeout.
    var callTimeout: Duration = .seconds(5)

    /// The same gateway with a shorter limit on calls: for probes that must notice a change quickly.
    func probing() -> HostGateway {
        var probe = self
        probe.callTimeout = .milliseconds(1500)
        return probe
    }

    /// The members of the cluster as the node sees them (`GET /v1/cluster`).
    struct ClusterView: Decodable, Sendable {
        struct Member: Decodable, Sendable {
            var id: String
            var address: String
            var alive: Bool
            var this: Bool
            var residentActors: Int

            enum CodingKeys: String, CodingKey {
                case id, address, alive, this
                case residentActors = "resident_actors"
            }
        }

        /// The node's current identity.
        var node: String
        var phase: String
        var nodes: [Member]

        /// The member with the identity `id`, if the node lists it.
        func member(_ id: String) -> Member? {
            nodes.first { $0.id == id }
        }
    }

    /// Adds `amount` to a counter and returns the acknowledged total.
    func add(_ amount: Int64, to counter: String) async throws -> Int64 {
        try await value(of: call("counter", counter, ["add": amount]), as: Int64.self)
    }

    /// The counter's total.
    func counter(_ counter: String) async throws -> Int64 {
        try await value(of: call("counter", counter, ["get": [String: Int]()]), as: Int64.self)
    }

    /// Sets `item` of the map `map` to `value`; returns once the write was acknowledged.
    func put(_ value: String, at item: String, in map: String) async throws {
        let response = try await call("kv", map, ["put": ["key": item, "value": value]])
        try require(response, decodes: Acknowledged.self)
    }

    /// The value of `item` in the map `map`, `nil` when it has none.
    func get(_ item: String, in map: String) async throws -> String? {
        try await value(of: call("kv", map, ["get": ["key": item]]), as: String?.self)
    }

    /// `GET /v1/cluster`.
    func cluster() async throws -> ClusterView {
        try require(try await send("GET", "/v1/cluster"), decodes: ClusterView.self)
    }

    /// The status of `GET /readyz`: 200 while the node serves with a valid lease, 503 otherwise.
    func readiness() async throws -> Int {
        try await send("GET", "/readyz").status
    }

    /// Sends one request and returns the response, whatever its status.
    func send(
        _ method: String,
        _ path: String,
        body: [UInt8] = [],
        timeout: Duration = .seconds(3)
    ) async throws -> HTTPClient.Response {
        let url = "http://\(address)\(path)"
        if let namespace {
            return try await NetworkNamespace.request(
                in: namespace,
                method: method,
                url: url,
                body: body,
                timeout: timeout
            )
        }
        return try await HTTPClient.request(method: method, url: url, body: body, timeout: timeout)
    }

    // MARK: Calls

    /// `POST /v1/actors/{type}/{key}` with `message` as its JSON body.
    func call(_ type: String, _ key: String, _ message: [String: Any]) async throws -> HTTPClient.Response {
        let body = Array(try JSONSerialization.data(withJSONObject: message))
        let path = "/v1/actors/\(type)/\(key)?timeout=\(Int64((callTimeout / .milliseconds(1)).rounded()))"
        return try await send("POST", path, body: body, timeout: callTimeout + .seconds(2))
    }

    private struct Acknowledged: Decodable {
        var ok: Bool
    }

    private struct Value<Wrapped: Decodable>: Decodable {
        var value: Wrapped
    }

    private func value<Wrapped: Decodable>(of response: HTTPClient.Response, as type: Wrapped.Type) throws -> Wrapped {
        try require(response, decodes: Value<Wrapped>.self).value
    }

    @discardableResult
    private func require<Body: Decodable>(_ response: HTTPClient.Response, decodes type: Body.Type) throws -> Body {
        guard response.status == 200 else {
            throw HostTestFailure("\(address) answered \(response.status): \(response.text)")
        }
        do {
            return try JSONDecoder().decode(Body.self, from: Data(response.body))
        } catch {
            throw HostTestFailure("\(address) answered \(response.text), which is not a \(Body.self): \(error)")
        }
    }
}
