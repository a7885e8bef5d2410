// Writes this client's encodings for the Python driver to compare (see crosscheck.py and `.ci/cql`).
//
// Built with swiftc from the codec's sources alone. Prints one JSON document: request frames by name, response
// frames with our decoding of each, and Murmur3 tokens of many keys. With `--seeds DIR` it also writes every
// response frame to DIR as a seed for the decoder fuzzer.

import Foundation

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

func frame(_ request: CQLRequest, stream: Int16) -> [String: Any] {
    // The requests below are fixed and small: failing to encode one is a bug to report loudly.
    ["hex": hexString(try! request.encodeFrame(stream: stream))]
}

let select = "SELECT * FROM t WHERE k = ?"
let uuid = UUID(uuidString: "01234567-89ab-cdef-0123-456789abcdef")!  // A literal UUID: cannot fail.
let typedValues: [CQLValue] = [
    .text("kremówki"), .bigint(-2), .int(7), .boolean(true), .double(1.5), .blob([0, 1, 255]), .uuid(uuid), .null,
    .unset,
]
let itemStatement = CQLBatch.Statement.prepared(
    id: [0xde, 0xad],
    [.text("default"), .text("chat.room"), .text("lobby"), .text("log"), .text("msg/1"), .blob([1, 2, 3])]
)

let requests: [String: [String: Any]] = [
    "options": frame(.options, stream: 0),
    "startup": frame(.startup([("CQL_VERSION", "3.0.0")]), stream: 0),
    "auth_response": frame(
        .authResponse(PasswordAuthenticator(username: "cassandra", password: "cassandra").initialResponse()),
        stream: 7
    ),
    "query_int": frame(.query(select, CQLQueryParameters(consistency: .quorum, values: [.int(42)])), stream: 1),
    "query_full": frame(
        .query(
            select,
            CQLQueryParameters(
                consistency: .quorum,
                values: [.int(42)],
                pageSize: 5000,
                pagingState: [0xca, 0xfe],
                serialConsistency: .localSerial,
                defaultTimestamp: 1_700_000_000_000_000
            )
        ),
        stream: 1
    ),
    "query_typed": frame(
        .query(
            "INSERT INTO ks.t (a, b, c, d, e, f, g, h, i) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            CQLQueryParameters(consistency: .localQuorum, values: typedValues)
        ),
        stream: 2
    ),
    "query_no_values": frame(
        .query("SELECT release_version FROM system.local", CQLQueryParameters(consistency: .one)),
        stream: 9
    ),
    "prepare": frame(.prepare(select), stream: 3),
    "execute": frame(.execute(id: [1, 2, 3, 4], CQLQueryParameters(consistency: .one, values: [.int(42)])), stream: 4),
    "execute_paged": frame(
        .execute(
            id: [1, 2, 3, 4],
            CQLQueryParameters(
                consistency: .localQuorum,
                values: [.text("a"), .bigint(3)],
                pageSize: 100,
                pagingState: [1, 2, 3],
                serialConsistency: .serial
            )
        ),
        stream: 300
    ),
    "batch_logged": frame(
        .batch(
            CQLBatch(
                kind: .logged,
                statements: [.prepared(id: [1, 2, 3, 4], [.int(42)]), .query("INSERT INTO t (k) VALUES (1)")],
                consistency: .quorum,
                serialConsistency: .serial
            )
        ),
        stream: 5
    ),
    "batch_unlogged": frame(
        .batch(
            CQLBatch(
                kind: .unlogged,
                statements: [itemStatement, itemStatement],
                consistency: .localQuorum,
                defaultTimestamp: 1_700_000_000_123_456
            )
        ),
        stream: 6
    ),
    "register": frame(.register([.topologyChange, .statusChange, .schemaChange]), stream: 6),
]

// MARK: Responses

func responseFrame(_ opcode: CQLOpcode, _ body: [UInt8], flags: CQLFrameHeader.Flags = [], stream: Int16 = 1) -> [UInt8]
{
    var writer = WireWriter()
    CQLFrameHeader(isResponse: true, flags: flags, stream: stream, opcode: opcode, bodyLength: body.count).encode(
        into: &writer
    )
    writer.writeRaw(body)
    return writer.bytes
}

func body(_ build: (inout WireWriter) throws -> Void) -> [UInt8] {
    var writer = WireWriter()
    // Bodies are fixed and small: a failure here is a bug in this tool.
    try! build(&writer)
    return writer.bytes
}

func cellValue(_ bytes: [UInt8]?, _ type: CQLDataType) -> Any {
    guard let bytes else {
        return NSNull()
    }
    do {
        switch type {
        case .varchar, .ascii: return try String(cqlBytes: bytes, type: type)
        case .int, .bigint: return NSNumber(value: try Int64(cqlBytes: bytes, type: type))
        case .boolean: return NSNumber(value: try Bool(cqlBytes: bytes, type: type))
        case .double: return NSNumber(value: try Double(cqlBytes: bytes, type: type))
        case .uuid, .timeuuid: return try UUID(cqlBytes: bytes, type: type).uuidString.lowercased()
        default: return hexString(bytes)
        }
    } catch {
        // Shows up as a difference from the driver's decoding.
        return "our decoder failed: \(error)"
    }
}

func summary(_ frame: CQLResponseFrame) -> [String: Any] {
    var result: [String: Any]
    switch frame.response {
    case .ready:
        result = ["type": "ready"]
    case .authenticate(let authenticator):
        result = ["type": "authenticate", "authenticator": authenticator]
    case .authSuccess(let token):
        result = ["type": "auth_success", "token": token.map(hexString) ?? NSNull()]
    case .authChallenge(let token):
        result = ["type": "auth_challenge", "token": token.map(hexString) ?? NSNull()]
    case .supported(let options):
        result = ["type": "supported", "options": options.entries]
    case .error(let error):
        result = ["type": "error", "code": Int(error.code.rawValue), "message": error.message]
        switch error.details {
        case .writeTimeout(let consistency, let received, let blockFor, let writeType):
            result["consistency"] = Int(consistency.rawValue)
            result["received"] = Int(received)
            result["required"] = Int(blockFor)
            result["write_type"] = writeType.rawValue
        case .unavailable(let consistency, let required, let alive):
            result["consistency"] = Int(consistency.rawValue)
            result["required"] = Int(required)
            result["alive"] = Int(alive)
        case .unprepared(let id):
            result["id"] = hexString(id)
        default:
            break
        }
    case .event(let event):
        switch event {
        case .statusChange(let change, let address), .topologyChange(let change, let address):
            let kind = if case .statusChange = event { "STATUS_CHANGE" } else { "TOPOLOGY_CHANGE" }
            result = ["type": "event", "event": kind, "change": change, "address": address.host, "port": address.port]
        case .schemaChange(let change):
            result = ["type": "event", "event": "SCHEMA_CHANGE", "change": change.change, "keyspace": change.keyspace]
        }
    case .result(let outcome):
        switch outcome {
        case .void:
            result = ["type": "void"]
        case .setKeyspace(let keyspace):
            result = ["type": "set_keyspace", "keyspace": keyspace]
        case .schemaChange(let change):
            result = [
                "type": "schema_change", "change": change.change, "target": change.target,
                "keyspace": change.keyspace, "name": change.name,
            ]
        case .prepared(let prepared):
            result = [
                "type": "prepared", "id": hexString(prepared.id), "pk_indexes": prepared.partitionKeyIndexes,
                "bind_names": prepared.bindColumns.map(\.name),
            ]
        case .rows(let rows):
            let columns = rows.metadata.columns
            result = [
                "type": "rows",
                "columns": columns.map(\.name),
                "rows": rows.cells.map { row in zip(row, columns).map { cellValue($0, $1.type) } },
                "paging_state": rows.pagingState.map(hexString) ?? NSNull(),
            ]
        }
    }
    if !frame.warnings.isEmpty {
        result["warnings"] = frame.warnings
    }
    return result
}

let rowsBody = body { writer in
    writer.writeInt(2)
    writer.writeInt(0x0003)
    writer.writeInt(7)
    writer.writeBytes([0xbe, 0xef])
    try writer.writeString("ks")
    try writer.writeString("t")
    let columns: [(String, UInt16)] = [
        ("name", 0x0D), ("big", 0x02), ("small", 0x09), ("flag", 0x04), ("ratio", 0x07), ("raw", 0x03), ("id", 0x0C),
    ]
    for (name, type) in columns {
        try writer.writeString(name)
        writer.writeShort(type)
    }
    writer.writeInt(2)
    for value in typedValues.prefix(7) {
        writer.writeBytes(value.bytes)
    }
    for index in 0..<7 {
        writer.writeBytes(index == 0 ? Array("second".utf8) : nil)
    }
}

let preparedBody = body { writer in
    writer.writeInt(4)
    try writer.writeShortBytes([0xab, 0xcd, 0xef])
    writer.writeInt(1)
    writer.writeInt(3)
    writer.writeInt(2)
    writer.writeShort(2)
    writer.writeShort(0)
    try writer.writeString("ks")
    try writer.writeString("t")
    for (name, type) in [("b", UInt16(0x0D)), ("v", 0x03), ("a", 0x09)] {
        try writer.writeString(name)
        writer.writeShort(type)
    }
    writer.writeInt(4)
    writer.writeInt(0)
}

let writeTimeoutBody = body { writer in
    writer.writeInt(0x1100)
    try writer.writeString("Operation timed out - received only 0 responses.")
    writer.writeConsistency(.serial)
    writer.writeInt(0)
    writer.writeInt(2)
    try writer.writeString("CAS")
}

let unavailableBody = body { writer in
    writer.writeInt(0x1000)
    try writer.writeString("Cannot achieve consistency level QUORUM")
    writer.writeConsistency(.quorum)
    writer.writeInt(2)
    writer.writeInt(1)
}

let warnedVoid = body { writer in
    try writer.writeStringList(["Batch for [ks.t] is of size 6.0KiB, exceeding specified threshold"])
    writer.writeInt(1)
}

let responses: [(String, [UInt8])] = [
    ("ready", responseFrame(.ready, [], stream: 0)),
    (
        "authenticate",
        responseFrame(.authenticate, body { try $0.writeString(PasswordAuthenticator.className) }, stream: 0)
    ),
    ("void", responseFrame(.result, [0, 0, 0, 1])),
    ("auth_success_null", responseFrame(.authSuccess, [0xff, 0xff, 0xff, 0xff], stream: 2)),
    (
        "lwt_applied",
        Array(
            hexBytes: "84000005080000002900000002000000010000000100026b730001740009"
                + "5b6170706c6965645d00040000000100000001" + "01"
        )
    ),
    ("unprepared", Array(hexBytes: "84000004000000000d000025000001780004" + "01020304")),
    ("status_up", Array(hexBytes: "8400ffff0c0000001c000d5354415455535f4348414e4745000255500" + "47f00000100002352")),
    ("write_timeout_cas", responseFrame(.error, writeTimeoutBody)),
    ("unavailable", responseFrame(.error, unavailableBody)),
    ("rows_typed", responseFrame(.result, rowsBody)),
    ("prepared", responseFrame(.result, preparedBody)),
    (
        "set_keyspace",
        responseFrame(
            .result,
            body { writer in
                writer.writeInt(3)
                try writer.writeString("dna")
            }
        )
    ),
    (
        "schema_change_table",
        responseFrame(
            .result,
            body { writer in
                writer.writeInt(5)
                for text in ["CREATED", "TABLE", "dna", "dna_items"] {
                    try writer.writeString(text)
                }
            }
        )
    ),
    (
        "supported",
        responseFrame(
            .supported,
            body { writer in
                writer.writeShort(2)
                try writer.writeString("CQL_VERSION")
                try writer.writeStringList(["3.4.5"])
                try writer.writeString("COMPRESSION")
                try writer.writeStringList(["lz4", "snappy"])
            },
            stream: 0
        )
    ),
    (
        "topology_new_node",
        responseFrame(
            .event,
            body { writer in
                try writer.writeString("TOPOLOGY_CHANGE")
                try writer.writeString("NEW_NODE")
                writer.writeByte(4)
                writer.writeRaw([10, 0, 0, 7])
                writer.writeInt(9042)
            },
            stream: -1
        )
    ),
    ("void_with_warning", responseFrame(.result, warnedVoid, flags: .warning)),
]

extension Array where Element == UInt8 {
    init(hexBytes text: String) {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            // The literals above are well formed: a bad one is a bug in this tool.
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }
}

var decoded: [[String: Any]] = []
for (name, bytes) in responses {
    guard let frame = try? CQLResponseFrame.decode(bytes) else {
        FileHandle.standardError.write(Data("our decoder refused the response vector \(name)\n".utf8))
        exit(1)
    }
    decoded.append(["name": name, "hex": hexString(bytes), "decoded": summary(frame)])
}

// MARK: Tokens

var generator = SplitMix(seed: 0x5eed)
var keys: [[UInt8]] = ["test", "xd", "primary_key", "kremówki", ""].map { Array($0.utf8) }
for length in 0..<64 {
    keys.append((0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
}
let tokens = keys.map { ["key": hexString($0), "token": String(Murmur3Token.token(of: $0))] }

struct SplitMix {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

// MARK: Output

let arguments = CommandLine.arguments
if let flag = arguments.firstIndex(of: "--seeds"), flag + 1 < arguments.count {
    let directory = URL(fileURLWithPath: arguments[flag + 1])
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, bytes) in responses {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }
}
let document: [String: Any] = ["requests": requests, "responses": decoded, "tokens": tokens]
let json = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
FileHandle.standardOutput.write(json)
