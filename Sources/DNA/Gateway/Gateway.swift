import DNANetwork

/// A node's HTTP/1.1 gateway: it reaches any actor of the cluster with JSON messages.
///
/// - `POST /v1/actors/{type}/{key}`: the body is the message as JSON; the reply comes back as JSON. With
///   `?cast=true` the answer is `202` at once. `?namespace=` and `?timeout=` (milliseconds) are optional.
/// - `GET /healthz`: the process is up. `GET /readyz`: a member of the cluster with a valid lease.
/// - `GET /v1/cluster`: the nodes as this node sees them. `GET /metrics`: counters in Prometheus's text form.
///
/// Errors are `{"error": {"code": ..., "message": ...}}` with a fitting status (see ``GatewayResponse``).
final class Gateway: Sendable {
    private let runtime: NodeRuntime
    private let server: HTTPServer

    /// The address the gateway is bound to.
    var localAddress: SocketAddress { server.localAddress }

    /// Binds the gateway.
    ///
    /// - Throws: ``DNAError/Code/badRequest`` for a malformed address, ``DNAError/Code/internal`` when it cannot
    ///   be bound.
    init(configuration: GatewayConfiguration, runtime: NodeRuntime, group: EventLoopGroup) throws {
        guard let address = PeerAddress(configuration.listen) else {
            throw DNAError(.badRequest, "the HTTP address \(configuration.listen) is not host:port")
        }
        var settings = HTTPServer.Configuration()
        settings.maximumBodyBytes = configuration.maximumBodyBytes
        settings.maximumRequestLineLength = configuration.maximumRequestLineLength
        settings.maximumHeaderBytes = configuration.maximumHeaderBytes
        settings.requestTimeout = configuration.requestTimeout
        settings.keepAliveTimeout = configuration.keepAliveTimeout

        self.runtime = runtime
        do {
            server = try HTTPServer(host: address.host, port: address.port, group: group, configuration: settings) {
                [runtime] request in
                await Self.respond(to: request, runtime: runtime)
            }
        } catch {
            throw DNAError(.internal, "the gateway cannot listen on \(configuration.listen): \(error)")
        }
    }

    /// Serves requests until ``shutdown()``.
    func run() async {
        await server.run()
    }

    func shutdown() {
        server.shutdown()
    }

    // MARK: Routes

    static func respond(to request: HTTPRequest, runtime: NodeRuntime) async -> HTTPResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        switch (request.method, Array(segments)) {
        case ("GET", ["healthz"]):
            return GatewayResponse.json(["status": "ok"])
        case ("GET", ["readyz"]):
            return readiness(runtime)
        case ("GET", ["v1", "cluster"]):
            return GatewayResponse.json(ClusterStatus(runtime))
        case ("GET", ["metrics"]):
            return HTTPResponse(contentType: "text/plain; version=0.0.4", text: Metrics.prometheusText(runtime))
        case ("POST", let path) where path.count == 4 && path[0] == "v1" && path[1] == "actors":
            return await deliver(request, type: String(path[2]), key: String(path[3]), runtime: runtime)
        case (_, ["healthz"]), (_, ["readyz"]), (_, ["v1", "cluster"]), (_, ["metrics"]):
            return GatewayResponse.error(.methodNotAllowed, code: "method_not_allowed", message: "use GET")
        case (_, let path) where path.count == 4 && path[0] == "v1" && path[1] == "actors":
            return GatewayResponse.error(.methodNotAllowed, code: "method_not_allowed", message: "use POST")
        default:
            return GatewayResponse.error(.notFound, code: "not_found", message: "no route for \(request.path)")
        }
    }

    private static func readiness(_ runtime: NodeRuntime) -> HTTPResponse {
        guard (try? runtime.checkServing()) != nil, runtime.currentPhase == .serving else {
            return GatewayResponse.error(
                .serviceUnavailable,
                code: "not_ready",
                message: "the node is \(runtime.currentPhase) or has no valid lease"
            )
        }
        return GatewayResponse.json(["status": "ready", "node": runtime.nodeID.description])
    }

    private static func deliver(
        _ request: HTTPRequest,
        type: String,
        key: String,
        runtime: NodeRuntime
    ) async
        -> HTTPResponse
    {
        guard let type = type.removingPercentEncoding, let key = key.removingPercentEncoding, !type.isEmpty,
            !key.isEmpty
        else {
            return GatewayResponse.error(DNAError(.badRequest, "the actor type and key must be non-empty"))
        }
        let name = ActorName(
            namespace: request.queryValue("namespace") ?? runtime.configuration.namespace,
            type: ActorType(type),
            key: key
        )

        do {
            let entry = try runtime.types.entry(for: name.type)
            if request.queryValue("cast") == "true" {
                try runtime.checkServing()
                try entry.castJSON(request.body, name, runtime)
                return GatewayResponse.json(["accepted": true], status: .accepted)
            }
            let timeout = try timeout(of: request) ?? runtime.configuration.callTimeout
            let reply = try await entry.callJSON(request.body, name, runtime, timeout)
            return GatewayResponse.json(bytes: reply)
        } catch {
            return GatewayResponse.error(DNAError.wrapping(error, as: .internal, "the call to \(name) failed"))
        }
    }

    private static func timeout(of request: HTTPRequest) throws -> Duration? {
        guard let text = request.queryValue("timeout") else {
            return nil
        }
        guard let millis = Int64(text), millis > 0, millis <= 3_600_000 else {
            throw DNAError(.badRequest, "timeout must be a number of milliseconds between 1 and 3600000")
        }
        return .milliseconds(millis)
    }
}
