import Foundation
import Testing

extension MultiProcessTests {
    @Suite("Bad input on the HTTP gateway")
    struct HTTPBadInput {
        /// A well-formed request with `body`, asking the gateway to close the connection after its answer.
        private static func request(_ method: String, _ path: String, body: String = "", extra: String = "") -> [UInt8]
        {
            let head = "\(method) \(path) HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\(extra)"
            return Array("\(head)Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        }

        @Test(
            "malformed and oversized requests meet a 4xx or a closed connection; the node serves on",
            arguments: IntegrationStore.all
        )
        func malformedRequests(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store) { cluster in
                let probe = try await ServingProbe.make(cluster)
                let gateway = cluster[0].ready.http
                let key = "http-\(UUID().uuidString)"
                let head = "POST /v1/actors/counter/\(key) HTTP/1.1\r\nHost: node\r\n"
                // A POST whose Content-Length says `length`, followed by `body` only.
                func post(_ length: String, _ body: String) -> [UInt8] {
                    Array("\(head)Content-Length: \(length)\r\n\r\n\(body)".utf8)
                }
                let cases: [(String, [UInt8], Bool)] = [
                    ("a malformed request line", Array("GARBAGE\r\n\r\n".utf8), false),
                    ("a request line without a version", Array("GET /healthz\r\n\r\n".utf8), false),
                    ("binary noise", (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }, false),
                    (
                        "a 16 KiB request line", Self.request("GET", "/" + String(repeating: "a", count: 16 << 10)),
                        false
                    ),
                    (
                        "64 KiB of headers",
                        Self.request(
                            "GET",
                            "/healthz",
                            extra: String(repeating: "X-Filler: \(String(repeating: "f", count: 100))\r\n", count: 640)
                        ),
                        false
                    ),
                    ("a body shorter than its Content-Length, then the end of input", post("100", "{\"add\""), true),
                    ("a 2 MiB body", post("2097152", "{\"add\": 1}"), false),
                    ("a malformed chunk size", Array("\(head)Transfer-Encoding: chunked\r\n\r\nZZ\r\n".utf8), false),
                ]
                for (label, bytes, endsInput) in cases {
                    let outcome = try await RawHTTPExchange.send(bytes, to: gateway, endsInput: endsInput)
                    try #require(outcome.isRefusal, "\(label): \(outcome)")
                    try await probe.check()
                }
                // None of it reached the counter.
                try #require(try await cluster.gateway(1).counter(key) == 0)
            }
        }

        @Test("well-formed requests the gateway cannot serve get the fitting 4xx", arguments: IntegrationStore.all)
        func unservableRequests(store: IntegrationStore) async throws {
            try await ProcessCluster.run(nodes: 3, store: store) { cluster in
                let probe = try await ServingProbe.make(cluster)
                let gateway = cluster[0].ready.http
                let key = "http-\(UUID().uuidString)"
                let cases: [(String, [UInt8], Int)] = [
                    ("bad JSON", Self.request("POST", "/v1/actors/counter/\(key)", body: "{\"add\": "), 400),
                    (
                        "a message of the wrong shape",
                        Self.request("POST", "/v1/actors/counter/\(key)", body: #"{"add": "x"}"#), 400
                    ),
                    (
                        "two messages in one",
                        Self.request("POST", "/v1/actors/counter/\(key)", body: #"{"add": 1, "get": {}}"#), 400
                    ),
                    ("an unknown actor type", Self.request("POST", "/v1/actors/no.such.type/\(key)", body: "{}"), 404),
                    ("GET on an actor", Self.request("GET", "/v1/actors/counter/\(key)"), 405),
                    ("DELETE on /healthz", Self.request("DELETE", "/healthz"), 405),
                    ("an unknown path", Self.request("GET", "/v2/everything"), 404),
                    (
                        "a timeout that is not a number",
                        Self.request("POST", "/v1/actors/counter/\(key)?timeout=soon", body: #"{"get": {}}"#), 400
                    ),
                ]
                for (label, bytes, expected) in cases {
                    let outcome = try await RawHTTPExchange.send(bytes, to: gateway)
                    try #require(outcome == .status(expected), "\(label): \(outcome)")
                    try await probe.check()
                }
                try #require(try await cluster.gateway(2).counter(key) == 0)
            }
        }
    }
}
