import Foundation
import Testing

@testable import CQL

/// Responses built from the specification (NOTES.md §14), decoded.
@Suite struct ResponseDecodingTests {
    private func decode(_ text: String) throws -> CQLResponseFrame {
        let frame = try CQLResponseFrame.decode(hex(text))
        return try #require(frame)
    }

    @Test func ready() throws {
        let frame = try decode("84 00 0000 02 00000000")
        #expect(frame.response == .ready)
        #expect(frame.header.stream == 0)
    }

    @Test func authenticate() throws {
        let frame = try decode("84 00 0000 03 00000031 002f" + hexString(Array(PasswordAuthenticator.className.utf8)))
        #expect(frame.response == .authenticate(authenticator: "org.apache.cassandra.auth.PasswordAuthenticator"))
    }

    @Test func voidResult() throws {
        let frame = try decode("84 00 0001 08 00000004 00000001")
        #expect(frame.response == .result(.void))
    }

    @Test func authSuccessWithNullToken() throws {
        let frame = try decode("84 00 0002 10 00000004 ffffffff")
        #expect(frame.response == .authSuccess(nil))
    }

    @Test func appliedLightweightTransaction() throws {
        let frame = try decode(
            "84 00 0005 08 00000029 00000002 00000001 00000001 0002 6b73 0001 74 0009 5b6170706c6965645d 0004 00000001 00000001 01"
        )
        guard case .result(.rows(let rows)) = frame.response else {
            Issue.record("not rows: \(frame.response)")
            return
        }
        #expect(rows.metadata.columns == [CQLColumn(keyspace: "ks", table: "t", name: "[applied]", type: .boolean)])
        #expect(rows.count == 1)
        let outcome = try #require(rows.conditionalOutcome)
        #expect(outcome.applied)
        #expect(rows.pagingState == nil)
    }

    @Test func unpreparedError() throws {
        let frame = try decode("84 00 0004 00 0000000d 00002500 0001 78 0004 01020304")
        let expected = CQLServerError(code: .unprepared, message: "x", details: .unprepared(id: [1, 2, 3, 4]))
        #expect(frame.response == .error(expected))
    }

    @Test func statusChangeEvent() throws {
        let frame = try decode("84 00 ffff 0c 0000001c 000d 5354415455535f4348414e4745 0002 5550 04 7f000001 00002352")
        #expect(frame.header.stream == -1)
        let address = CQLInet(address: [127, 0, 0, 1], port: 9042)
        #expect(frame.response == .event(.statusChange(change: "UP", address: address)))
        #expect(address.description == "127.0.0.1:9042")
    }

    @Test func writeTimeoutOfACASIsAnUnknownOutcome() throws {
        var body = WireWriter()
        body.writeInt(0x1100)
        try body.writeString("timeout")
        body.writeConsistency(.serial)
        body.writeInt(0)
        body.writeInt(2)
        try body.writeString("CAS")
        let error = try #require(try frame(opcode: .error, body: body.bytes).response.serverError)
        #expect(error.code == .writeTimeout)
        #expect(error.isUnknownConditionalOutcome)
        #expect(error.details == .writeTimeout(consistency: .serial, received: 0, blockFor: 2, writeType: .cas))
    }

    @Test func everyErrorWithExtraFieldsDecodes() throws {
        var unavailable = WireWriter()
        unavailable.writeInt(0x1000)
        try unavailable.writeString("u")
        unavailable.writeConsistency(.quorum)
        unavailable.writeInt(2)
        unavailable.writeInt(1)
        #expect(
            try frame(opcode: .error, body: unavailable.bytes).response.serverError?.details
                == .unavailable(consistency: .quorum, required: 2, alive: 1)
        )

        var readTimeout = WireWriter()
        readTimeout.writeInt(0x1200)
        try readTimeout.writeString("r")
        readTimeout.writeConsistency(.localSerial)
        readTimeout.writeInt(1)
        readTimeout.writeInt(2)
        readTimeout.writeByte(0)
        #expect(
            try frame(opcode: .error, body: readTimeout.bytes).response.serverError?.details
                == .readTimeout(consistency: .localSerial, received: 1, blockFor: 2, dataPresent: false)
        )

        var exists = WireWriter()
        exists.writeInt(0x2400)
        try exists.writeString("exists")
        try exists.writeString("ks")
        try exists.writeString("")
        #expect(
            try frame(opcode: .error, body: exists.bytes).response.serverError?.details
                == .alreadyExists(keyspace: "ks", table: "")
        )

        var unknown = WireWriter()
        unknown.writeInt(0x7777)
        try unknown.writeString("new")
        let error = try #require(try frame(opcode: .error, body: unknown.bytes).response.serverError)
        #expect(error.code == CQLServerError.Code(rawValue: 0x7777))
        #expect(error.code.description == "0x7777")
    }

    @Test func preparedWithPartitionKeyIndexesAndScyllaLWTBit() throws {
        var body = WireWriter()
        body.writeInt(4)
        try body.writeShortBytes([0xab, 0xcd])
        body.writeInt(Int32(bitPattern: 0x8000_0001))
        body.writeInt(2)
        body.writeInt(2)
        body.writeShort(1)
        body.writeShort(0)
        try body.writeString("ks")
        try body.writeString("t")
        try body.writeString("b")
        body.writeShort(0x000D)
        try body.writeString("a")
        body.writeShort(0x0009)
        body.writeInt(4)
        body.writeInt(0)
        let response = try frame(opcode: .result, body: body.bytes).response
        guard case .result(.prepared(let prepared)) = response else {
            Issue.record("not prepared: \(response)")
            return
        }
        #expect(prepared.id == [0xab, 0xcd])
        #expect(prepared.partitionKeyIndexes == [1, 0])
        #expect(prepared.bindColumns.map(\.type) == [.varchar, .int])
        #expect(prepared.isConditional(lwtMask: 0x8000_0000))
        #expect(!prepared.isConditional(lwtMask: nil))
        #expect(prepared.resultMetadata.columnCount == 0)
    }

    @Test func rowsWithPagingStateNullsAndNestedTypes() throws {
        var body = WireWriter()
        body.writeInt(2)
        body.writeInt(0x0003)
        body.writeInt(3)
        body.writeBytes([0x01, 0x02])
        try body.writeString("system")
        try body.writeString("peers")
        try body.writeString("peer")
        body.writeShort(0x0010)
        try body.writeString("tokens")
        body.writeShort(0x0022)
        body.writeShort(0x000D)
        try body.writeString("m")
        body.writeShort(0x0021)
        body.writeShort(0x000D)
        body.writeShort(0x0020)
        body.writeShort(0x0002)
        body.writeInt(1)
        body.writeBytes([127, 0, 0, 2])
        body.writeBytes(hex("00000002 00000001 31 00000001 32"))
        body.writeBytes(nil)

        let response = try frame(opcode: .result, body: body.bytes).response
        guard case .result(.rows(let rows)) = response else {
            Issue.record("not rows: \(response)")
            return
        }
        #expect(rows.pagingState == [1, 2])
        #expect(rows.metadata.columns.map(\.type) == [.inet, .set(.varchar), .map(.varchar, .list(.bigint))])
        let row = try #require(rows.first)
        #expect(try row.decode(CQLInet.self, "peer")?.host == "127.0.0.2")
        #expect(try row.decode(Set<String>.self, "tokens") == ["1", "2"])
        #expect(try row.decode([UInt8].self, "m") == nil)
        #expect(throws: CQLClientError.self) { try row.decode(String.self, "peer") }
        #expect(throws: CQLClientError.self) { try row.decode(String.self, "missing") }
    }

    @Test func schemaChangeResultsOfEachTarget() throws {
        var table = WireWriter()
        table.writeInt(5)
        try table.writeString("CREATED")
        try table.writeString("TABLE")
        try table.writeString("ks")
        try table.writeString("t")
        #expect(
            try frame(opcode: .result, body: table.bytes).response
                == .result(
                    .schemaChange(CQLSchemaChange(change: "CREATED", target: "TABLE", keyspace: "ks", name: "t"))
                )
        )

        var function = WireWriter()
        function.writeInt(5)
        try function.writeString("DROPPED")
        try function.writeString("FUNCTION")
        try function.writeString("ks")
        try function.writeString("f")
        try function.writeStringList(["int", "text"])
        let change = CQLSchemaChange(
            change: "DROPPED",
            target: "FUNCTION",
            keyspace: "ks",
            name: "f",
            argumentTypes: ["int", "text"]
        )
        #expect(try frame(opcode: .result, body: function.bytes).response == .result(.schemaChange(change)))

        var keyspace = WireWriter()
        keyspace.writeInt(3)
        try keyspace.writeString("dna")
        #expect(try frame(opcode: .result, body: keyspace.bytes).response == .result(.setKeyspace("dna")))
    }

    @Test func warningsTracingAndCustomPayloadPrecedeTheBody() throws {
        var body = WireWriter()
        body.writeRaw([UInt8](repeating: 7, count: 16))
        try body.writeStringList(["careful"])
        body.writeShort(1)
        try body.writeString("tablets-routing-v1")
        body.writeBytes([1])
        body.writeInt(1)
        let header = CQLFrameHeader(
            isResponse: true,
            flags: [.tracing, .warning, .customPayload],
            stream: 3,
            opcode: .result,
            bodyLength: body.count
        )
        let frame = try CQLResponseFrame.decode(header: header, body: body.bytes)
        #expect(frame.tracingID == [UInt8](repeating: 7, count: 16))
        #expect(frame.warnings == ["careful"])
        #expect(frame.customPayload["tablets-routing-v1"] == .some([1]))
        #expect(frame.response == .result(.void))
    }

    @Test func supportedFromScylla() throws {
        var body = WireWriter()
        let entries: [(String, [String])] = [
            ("SCYLLA_SHARD", ["3"]), ("SCYLLA_NR_SHARDS", ["12"]),
            ("SCYLLA_SHARDING_ALGORITHM", ["biased-token-round-robin"]), ("SCYLLA_SHARDING_IGNORE_MSB", ["12"]),
            ("SCYLLA_SHARD_AWARE_PORT", ["19042"]), ("COMPRESSION", ["lz4", "snappy"]),
        ]
        body.writeShort(UInt16(entries.count))
        for (key, values) in entries {
            try body.writeString(key)
            try body.writeStringList(values)
        }
        let response = try frame(opcode: .supported, body: body.bytes).response
        guard case .supported(let options) = response else {
            Issue.record("not supported: \(response)")
            return
        }
        #expect(options["COMPRESSION"] == ["lz4", "snappy"])
        let sharding = try #require(ShardingInfo(supported: options))
        #expect(
            sharding == ShardingInfo(shard: 3, shardCount: 12, ignoreMostSignificantBits: 12, shardAwarePort: 19042)
        )
        #expect(ShardingInfo(supported: CQLSupportedOptions(entries: [("CQL_VERSION", ["3.4.5"])])) == nil)
    }

    @Test func malformedInputIsAProtocolViolationNeverACrash() throws {
        let cases = [
            "84 00 0000 08 00000002 0000",  // truncated kind
            "84 00 0000 08 00000008 00000002 00000000",  // rows metadata cut short
            "84 00 0000 08 0000000c 00000002 00000004 7fffffff",  // a huge column count
            "84 00 0000 06 00000002 0001",  // a multimap entry missing
            "84 00 0000 07 00000000",  // a request opcode in a response
            "84 00 0000 08 00000004 00000009",  // unknown result kind
            "04 00 0000 02 00000000",  // a request frame
            "84 01 0000 02 00000000",  // compressed, never negotiated
        ]
        for text in cases {
            #expect(throws: CQLClientError.self, "\(text)") { try CQLResponseFrame.decode(hex(text)) }
        }
        #expect(throws: CQLClientError.self) { try CQLFrameHeader.decode(hex("85 00 0000 02 00000000")) }
        #expect(throws: CQLClientError.self) { try CQLFrameHeader.decode(hex("84 00 0000 02 7fffffff")) }
        #expect(try CQLResponseFrame.decode(hex("84 00 0000 02 00000004 0000")) == nil)
    }

    @Test func deeplyNestedTypesAreRefused() throws {
        var body = WireWriter()
        body.writeInt(2)
        body.writeInt(0x0001)
        body.writeInt(1)
        try body.writeString("k")
        try body.writeString("t")
        try body.writeString("c")
        for _ in 0..<100 {
            body.writeShort(0x0020)
        }
        body.writeShort(0x0009)
        body.writeInt(0)
        #expect(throws: CQLClientError.self) { try frame(opcode: .result, body: body.bytes) }
    }

    @Test func typedDecodingOfEveryMappedType() throws {
        #expect(try String(cqlBytes: [0x61], type: .varchar) == "a")
        #expect(try Int64(cqlBytes: hex("fffffffffffffffe"), type: .bigint) == -2)
        #expect(try Int32(cqlBytes: hex("0000002a"), type: .int) == 42)
        #expect(try Int(cqlBytes: hex("0000002a"), type: .int) == 42)
        #expect(try Bool(cqlBytes: [2], type: .boolean))
        #expect(try Double(cqlBytes: hex("3ff8000000000000"), type: .double) == 1.5)
        let timestamp = try CQLTimestamp(cqlBytes: hex("0000018bcfe56800"), type: .timestamp)
        #expect(timestamp.millisecondsSince1970 == 1_700_000_000_000)
        let uuidBytes = hex("0123456789abcdef0123456789abcdef")
        let uuid = try UUID(cqlBytes: uuidBytes, type: .uuid)
        #expect(uuid.uuidString == "01234567-89AB-CDEF-0123-456789ABCDEF")
        #expect(uuid.cqlValue.bytes == uuidBytes)
        #expect(throws: CQLClientError.self) { try Int32(cqlBytes: [0, 1], type: .int) }
        #expect(throws: CQLClientError.self) { try Bool(cqlBytes: [1], type: .int) }
    }

    private func frame(opcode: CQLOpcode, body: [UInt8]) throws -> CQLResponseFrame {
        let header = CQLFrameHeader(isResponse: true, stream: 1, opcode: opcode, bodyLength: body.count)
        return try CQLResponseFrame.decode(header: header, body: body)
    }
}

extension CQLResponse {
    var serverError: CQLServerError? {
        if case .error(let error) = self {
            return error
        }
        return nil
    }
}
