import Testing

@testable import DNANetwork

@Suite("HTTP request parser without sockets", .timeLimit(.minutes(1)))
struct HTTPRequestParserTests {
    private let limits = HTTPRequestParser.Limits(
        requestLineLength: 8 << 10,
        headerBytes: 32 << 10,
        headerCount: 100,
        bodyBytes: 1 << 20
    )

    @Test("a request fed one byte at a time parses like one fed at once")
    func byteByByte() throws {
        let wire = Array(
            "POST /p?a=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n"
                .utf8
        )
        var parser = HTTPRequestParser(limits: limits)
        var buffer = ByteBuffer()
        var requests: [HTTPRequest] = []

        for byte in wire {
            buffer.append(contentsOf: [byte])
            while case .request(let request) = parser.parse(&buffer) {
                requests.append(request)
            }
        }

        #expect(requests.count == 2)
        #expect(requests.first?.method == "POST")
        #expect(requests.first?.queryValue("a") == "1")
        #expect(requests.first?.body == Array("abc".utf8))
        #expect(requests.last?.path == "/")
        #expect(!parser.isMidRequest)
    }

    @Test("absolute-form targets yield their path")
    func absoluteForm() {
        var parser = HTTPRequestParser(limits: limits)
        var buffer = ByteBuffer(string: "GET http://example.com:8080/x/y?k=v HTTP/1.1\r\n\r\n")

        guard case .request(let request) = parser.parse(&buffer) else {
            Issue.record("expected a request")
            return
        }
        #expect(request.path == "/x/y")
        #expect(request.queryValue("k") == "v")
    }

    @Test("keep-alive follows the version and the Connection header")
    func keepAliveRules() {
        let cases: [(HTTPVersion, HTTPHeaders, Bool)] = [
            (.http11, [:], true),
            (.http11, ["Connection": "Close"], false),
            (.http11, ["Connection": "upgrade, close"], false),
            (.http10, [:], false),
            (.http10, ["Connection": "Keep-Alive"], true),
        ]

        for (version, headers, expected) in cases {
            let request = HTTPRequest(method: "GET", target: "/", path: "/", version: version, headers: headers)
            #expect(request.keepsConnectionAlive == expected)
        }
    }

    @Test("a header section growing past the bound fails before it completes")
    func headerBoundWithoutTerminator() {
        var parser = HTTPRequestParser(limits: limits)
        var buffer = ByteBuffer(string: "GET / HTTP/1.1\r\nX: " + String(repeating: "y", count: 33 << 10))

        guard case .failure(let error) = parser.parse(&buffer) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.status == .requestHeaderFieldsTooLarge)
    }
}
