import Testing

@testable import CQL

/// Requests against the bytes that cassandra-driver produces (NOTES.md §14).
@Suite struct RequestEncodingTests {
    static let selectText = "SELECT * FROM t WHERE k = ?"

    @Test func options() throws {
        #expect(try CQLRequest.options.encodeFrame(stream: 0) == hex("04 00 0000 05 00000000"))
    }

    @Test func startup() throws {
        let frame = try CQLRequest.startup([("CQL_VERSION", "3.0.0")]).encodeFrame(stream: 0)
        #expect(frame == hex("04 00 0000 01 00000016 0001 000b 43514c5f56455253494f4e 0005 332e302e30"))
    }

    @Test func authResponse() throws {
        let token = PasswordAuthenticator(username: "cassandra", password: "cassandra").initialResponse()
        let frame = try CQLRequest.authResponse(token).encodeFrame(stream: 7)
        #expect(frame == hex("04 00 0007 0f 00000018 00000014 00 63617373616e647261 00 63617373616e647261"))
    }

    @Test func queryWithOneValue() throws {
        let parameters = CQLQueryParameters(consistency: .quorum, values: [.int(42)])
        let frame = try CQLRequest.query(Self.selectText, parameters).encodeFrame(stream: 1)
        let expected = hex(
            "04 00 0001 07 0000002c 0000001b 53454c454354202a2046524f4d2074205748455245206b203d203f 0004 01 0001 00000004 0000002a"
        )
        #expect(frame == expected)
    }

    @Test func queryWithEveryOptionalField() throws {
        let parameters = CQLQueryParameters(
            consistency: .quorum,
            values: [.int(42)],
            pageSize: 5000,
            pagingState: [0xca, 0xfe],
            serialConsistency: .localSerial,
            defaultTimestamp: 1_700_000_000_000_000
        )
        let frame = try CQLRequest.query(Self.selectText, parameters).encodeFrame(stream: 1)
        let expected = hex(
            "04 00 0001 07 00000040 0000001b 53454c454354202a2046524f4d2074205748455245206b203d203f"
                + "0004 3d 0001 00000004 0000002a 00001388 00000002 cafe 0009 00060a24181e4000"
        )
        #expect(frame == expected)
    }

    @Test func prepare() throws {
        let frame = try CQLRequest.prepare(Self.selectText).encodeFrame(stream: 3)
        #expect(frame == hex("04 00 0003 09 0000001f 0000001b 53454c454354202a2046524f4d2074205748455245206b203d203f"))
    }

    @Test func execute() throws {
        let parameters = CQLQueryParameters(consistency: .one, values: [.int(42)])
        let frame = try CQLRequest.execute(id: [1, 2, 3, 4], parameters).encodeFrame(stream: 4)
        #expect(frame == hex("04 00 0004 0a 00000013 0004 01020304 0001 01 0001 00000004 0000002a"))
    }

    @Test func loggedBatchOfPreparedAndText() throws {
        let text = "INSERT INTO t (k) VALUES (1)"
        let batch = CQLBatch(
            kind: .logged,
            statements: [.prepared(id: [1, 2, 3, 4], [.int(42)]), .query(text)],
            consistency: .quorum,
            serialConsistency: .serial
        )
        let frame = try CQLRequest.batch(batch).encodeFrame(stream: 5)
        let expected =
            hex("04 00 0005 0d 0000003c 00 0002 01 0004 01020304 0001 00000004 0000002a 00 0000001c")
            + Array(text.utf8) + hex("0000 0004 10 0008")
        #expect(frame == expected)
    }

    @Test func unloggedBatchWithTimestamp() throws {
        let batch = CQLBatch(
            kind: .unlogged,
            statements: [.prepared(id: [9], [.null, .unset])],
            consistency: .localQuorum,
            defaultTimestamp: 1
        )
        let body = try CQLRequest.batch(batch).encodeBody()
        #expect(body == hex("01 0001 01 0001 09 0002 ffffffff fffffffe 0006 20 0000000000000001"))
    }

    @Test func register() throws {
        let frame = try CQLRequest.register([.topologyChange, .statusChange]).encodeFrame(stream: 6)
        let expected =
            hex("04 00 0006 0b 00000022 0002 000f") + Array("TOPOLOGY_CHANGE".utf8) + hex("000d")
            + Array("STATUS_CHANGE".utf8)
        #expect(frame == expected)
    }

    @Test func negativeStreamIDsAndLongStringsKeepTheirBits() throws {
        let frame = try CQLRequest.prepare(String(repeating: "x", count: 70_000)).encodeFrame(stream: -2)
        #expect(Array(frame[0..<9]) == hex("04 00 fffe 09 00011174"))
        #expect(Array(frame[9..<13]) == hex("00011170"))
    }

    @Test func stringsLongerThanAShortAreRefused() {
        let long = String(repeating: "k", count: 70_000)
        #expect(throws: CQLClientError.self) {
            try CQLRequest.startup([(long, "v")]).encodeFrame(stream: 0)
        }
    }

    @Test func valuesOfEveryMappedType() {
        #expect(CQLValue.text("é").bytes == [0xc3, 0xa9])
        #expect(CQLValue.bigint(-2).bytes == hex("fffffffffffffffe"))
        #expect(CQLValue.int(42).bytes == hex("0000002a"))
        #expect(CQLValue.boolean(true).bytes == [1])
        #expect(CQLValue.double(1.5).bytes == hex("3ff8000000000000"))
        #expect(CQLValue.timestamp(CQLTimestamp(millisecondsSince1970: 1)).bytes == hex("0000000000000001"))
        #expect(CQLValue.blob([]).bytes == [])
        #expect(CQLValue.null.bytes == nil)
    }
}
