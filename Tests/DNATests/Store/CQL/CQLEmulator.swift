import DNANetwork
import Foundation
import Synchronization

@testable import CQL

/// An in-test stand-in for a one-node CQL cluster that understands exactly the statements CQLStore sends,
/// keeping their tables in memory with Cassandra's conditional-update results. It checks the store's logic
/// (rounds of claims, fences, bounds, paging) without a server; it is not ScyllaDB and proves nothing about one.
final class CQLEmulator: Sendable {
    /// One statement as received, for assertions on consistency, timestamps and batch kinds.
    struct Executed: Sendable {
        var text: String
        var consistency: CQLConsistency
        var serialConsistency: CQLConsistency?
        var timestamp: Int64?
        var batchKind: UInt8?
    }

    /// What the next conditional statement or batch does before it answers with a CAS write timeout.
    enum Fault: Sendable {
        case applyThenTimeOut
        case timeOutWithoutApplying
    }

    struct Tables {
        var keyspaces: Set<String> = []
        var schema: [String: Int32] = [:]
        var members: [String: [String: [String: [UInt8]?]]] = [:]
        var directory: [[String]: (owner: String?, epoch: Int64)] = [:]
        var fences: [[String]: Int64] = [:]
        var items: [[String]: [[String]: [UInt8]]] = [:]
        var prepared: [[UInt8]: String] = [:]
        var log: [Executed] = []
        var faults: [Fault] = []
    }

    let tables = Mutex(Tables())
    private let group: EventLoopGroup
    private let listener: TCPListener

    var port: Int { listener.localAddress.port }

    init() throws {
        group = try EventLoopGroup(loopCount: 1)
        let box = Mutex<CQLEmulator?>(nil)
        listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in
            EmulatorHandler { box.withLock { $0 } }
        }
        box.withLock { $0 = self }
    }

    func shutdown() async {
        listener.close()
        await group.shutdown()
    }

    func inject(_ fault: Fault) {
        tables.withLock { $0.faults.append(fault) }
    }

    var executed: [Executed] { tables.withLock { $0.log } }

    // MARK: Requests

    func answer(opcode: CQLOpcode, body: [UInt8]) -> (CQLOpcode, [UInt8]) {
        do {
            var reader = WireReader(body)
            switch opcode {
            case .options:
                return (.supported, Bodies.supported)
            case .startup, .register:
                return (.ready, [])
            case .prepare:
                return (.result, prepare(try reader.readLongString()))
            case .query:
                let text = try reader.readLongString()
                let parameters = try Parameters(&reader)
                return try run(text, parameters)
            case .execute:
                let id = try reader.readShortBytes()
                let parameters = try Parameters(&reader)
                guard let text = tables.withLock({ $0.prepared[id] }) else {
                    var extra = WireWriter()
                    try extra.writeShortBytes(id)
                    return (.error, Bodies.error(0x2500, "unprepared", extra.bytes))
                }
                return try run(text, parameters)
            case .batch:
                return try batch(&reader)
            default:
                return (.error, Bodies.error(0x000A, "unexpected opcode"))
            }
        } catch {
            return (.error, Bodies.error(0x000A, "malformed request: \(error)"))
        }
    }

    private func prepare(_ text: String) -> [UInt8] {
        var hasher = Hasher()
        hasher.combine(text)
        let id = bigEndianBytes(Int64(hasher.finalize()))
        tables.withLock { $0.prepared[id] = text }
        var writer = WireWriter()
        writer.writeInt(4)
        try? writer.writeShortBytes(id)
        writer.writeInt(0)
        writer.writeInt(0)
        writer.writeInt(0)
        writer.writeInt(0x0004)
        writer.writeInt(0)
        return writer.bytes
    }

    struct Parameters {
        var consistency: CQLConsistency
        var values: [[UInt8]?] = []
        var pageSize: Int?
        var pagingState: [UInt8]?
        var serial: CQLConsistency?
        var timestamp: Int64?

        init(_ reader: inout WireReader) throws {
            consistency = try reader.readConsistency()
            let flags = try reader.readByte()
            if flags & 0x01 != 0 {
                values = try (0..<Int(reader.readShort())).map { _ in try reader.readBytes() }
            }
            if flags & 0x04 != 0 { pageSize = Int(try reader.readInt()) }
            if flags & 0x08 != 0 { pagingState = try reader.readBytes() }
            if flags & 0x10 != 0 { serial = try reader.readConsistency() }
            if flags & 0x20 != 0 { timestamp = try reader.readLong() }
        }
    }

    private func record(_ text: String, _ parameters: Parameters, batchKind: UInt8? = nil) {
        let entry = Executed(
            text: text,
            consistency: parameters.consistency,
            serialConsistency: parameters.serial,
            timestamp: parameters.timestamp,
            batchKind: batchKind
        )
        tables.withLock { $0.log.append(entry) }
    }

    // MARK: Statements

    private func run(_ text: String, _ parameters: Parameters) throws -> (CQLOpcode, [UInt8]) {
        record(text, parameters)
        let values = parameters.values
        func string(_ index: Int) -> String { String(decoding: values[index] ?? [], as: UTF8.self) }

        if text.contains("FROM system.local") || text.contains("FROM system.peers") {
            return (.result, systemRows(text))
        }
        if text.hasPrefix("SELECT keyspace_name FROM system_schema.keyspaces") {
            let exists = tables.withLock { $0.keyspaces.contains(string(0)) }
            return (.result, Bodies.rows([("keyspace_name", 0x0D)], exists ? [[values[0]]] : []))
        }
        if text.hasPrefix("CREATE KEYSPACE") {
            let name = String(text.split(separator: " ")[5])
            tables.withLock { _ = $0.keyspaces.insert(name) }
            return (.result, Bodies.schemaChange)
        }
        if text.hasPrefix("CREATE TABLE") {
            return (.result, Bodies.schemaChange)
        }
        if text.contains(".dna_schema") {
            if text.hasPrefix("SELECT") {
                let version = tables.withLock { $0.schema["dna"] }
                return (.result, Bodies.rows([("version", 0x09)], version.map { [[bigEndianBytes($0)]] } ?? []))
            }
            let version = values[0].flatMap { readBigEndianInteger($0, as: Int32.self) } ?? 0
            tables.withLock { $0.schema["dna"] = version }
            return (.result, Bodies.void)
        }
        if text.contains(".dna_members") {
            return (.result, try members(text, values, parameters))
        }
        if text.contains(".dna_directory") {
            let name = text.hasPrefix("INSERT") ? [string(0), string(1), string(2)] : []
            return try directory(text, values, insertName: name)
        }
        if text.contains(".dna_items") {
            if text.contains("IF fence") {
                return try conditional { tables in
                    let (applied, current) = Self.checkFence(text, values, &tables)
                    return (applied, applied ? [] : [("fence", 0x02, current.map { bigEndianBytes($0) })])
                }
            }
            return (.result, try items(text, values, parameters))
        }
        return (.error, Bodies.error(0x2200, "the emulator does not know: \(text)"))
    }

    private func systemRows(_ text: String) -> [UInt8] {
        if text.contains("schema_version") {
            let uuid = [UInt8](repeating: 7, count: 16)
            return Bodies.rows([("schema_version", 0x0C)], text.contains("system.local") ? [[uuid]] : [])
        }
        if text.contains("system.peers") {
            return Bodies.rows([("peer", 0x10), ("tokens", 0x0D)], [])
        }
        var tokens = WireWriter()
        tokens.writeInt(1)
        tokens.writeBytes(Array("0".utf8))
        return Bodies.rows(
            [("data_center", 0x0D), ("rack", 0x0D), ("tokens", 0x22)],
            [[Array("dc1".utf8), Array("r1".utf8), tokens.bytes]]
        )
    }

    private func members(_ text: String, _ values: [[UInt8]?], _ parameters: Parameters) throws -> [UInt8] {
        func string(_ index: Int) -> String { String(decoding: values[index] ?? [], as: UTF8.self) }
        let columns = ["node", "address", "http_address", "heartbeat", "load", "resident_actors", "draining"]
        if text.hasPrefix("INSERT") {
            var row: [String: [UInt8]?] = [:]
            for (index, column) in columns.enumerated() {
                row[column] = values[index + 1]
            }
            tables.withLock { $0.members[string(0), default: [:]][string(1)] = row }
            return Bodies.void
        }
        if text.hasPrefix("DELETE") {
            tables.withLock { _ = $0.members[string(0)]?.removeValue(forKey: string(1)) }
            return Bodies.void
        }
        let rows = tables.withLock { tables in
            (tables.members[string(0)] ?? [:]).sorted { $0.key < $1.key }.map { _, row in columns.map { row[$0] ?? nil }
            }
        }
        let types: [UInt16] = [0x0D, 0x0D, 0x0D, 0x02, 0x02, 0x02, 0x04]
        return Bodies.page(Array(zip(columns, types)), rows, parameters)
    }

    private func directory(
        _ text: String,
        _ values: [[UInt8]?],
        insertName: [String]
    ) throws -> (CQLOpcode, [UInt8]) {
        func string(_ index: Int) -> String { String(decoding: values[index] ?? [], as: UTF8.self) }
        func long(_ index: Int) -> Int64 { values[index].flatMap { readBigEndianInteger($0, as: Int64.self) } ?? 0 }
        let current: @Sendable (Tables, [String]) -> [(String, UInt16, [UInt8]?)] = { tables, name in
            let row = tables.directory[name]
            return [
                ("owner", 0x0D, row?.owner.map { Array($0.utf8) }),
                ("epoch", 0x02, row.map { bigEndianBytes($0.epoch) }),
            ]
        }

        if text.hasPrefix("SELECT") {
            let name = [string(0), string(1), string(2)]
            let row = tables.withLock { $0.directory[name] }
            let cells: [[[UInt8]?]] = row.map { [[$0.owner.map { Array($0.utf8) }, bigEndianBytes($0.epoch)]] } ?? []
            return (.result, Bodies.rows([("owner", 0x0D), ("epoch", 0x02)], cells))
        }
        if text.hasPrefix("INSERT") {
            let owner = string(3)
            let epoch = long(4)
            return try conditional { tables in
                guard tables.directory[insertName] == nil else {
                    return (false, current(tables, insertName))
                }
                tables.directory[insertName] = (owner, epoch)
                return (true, [])
            }
        }
        if text.contains("SET owner = null") {
            let name = [string(0), string(1), string(2)]
            let expected = string(3)
            return try conditional { tables in
                guard tables.directory[name]?.owner == expected else {
                    return (false, [current(tables, name)[0]])
                }
                tables.directory[name]?.owner = nil
                return (true, [])
            }
        }
        let name = [string(2), string(3), string(4)]
        let owner = string(0)
        let epoch = long(1)
        let releasedOnly = text.contains("IF owner = null")
        let expectedOwner: String? = releasedOnly ? nil : string(5)
        let expectedEpoch = long(releasedOnly ? 5 : 6)
        return try conditional { tables in
            guard let row = tables.directory[name], row.owner == expectedOwner, row.epoch == expectedEpoch else {
                return (false, current(tables, name))
            }
            tables.directory[name] = (owner, epoch)
            return (true, [])
        }
    }

    /// Runs a conditional change under the table lock, with any injected fault, and builds its result.
    private func conditional(
        _ body: (inout Tables) -> (Bool, [(String, UInt16, [UInt8]?)])
    ) throws -> (CQLOpcode, [UInt8]) {
        let (applied, columns, fault) = tables.withLock { tables in
            let fault = tables.faults.isEmpty ? nil : tables.faults.removeFirst()
            if case .timeOutWithoutApplying = fault {
                return (false, [(String, UInt16, [UInt8]?)](), fault)
            }
            let (applied, columns) = body(&tables)
            return (applied, columns, fault)
        }
        if fault != nil {
            var extra = WireWriter()
            extra.writeConsistency(.serial)
            extra.writeInt(0)
            extra.writeInt(1)
            try extra.writeString("CAS")
            return (.error, Bodies.error(0x1100, "CAS operation timed out", extra.bytes))
        }
        let header: [(String, UInt16)] = [("[applied]", 0x04)] + columns.map { ($0.0, $0.1) }
        let row: [[UInt8]?] = [[applied ? 1 : 0]] + columns.map(\.2)
        return (.result, Bodies.rows(header, [row]))
    }

    private static func checkFence(_ text: String, _ values: [[UInt8]?], _ tables: inout Tables) -> (Bool, Int64?) {
        func string(_ index: Int) -> String { String(decoding: values[index] ?? [], as: UTF8.self) }
        let epoch = values[0].flatMap { readBigEndianInteger($0, as: Int64.self) } ?? 0
        let name = [string(1), string(2), string(3)]
        let current = tables.fences[name]
        let holds: Bool
        if text.contains("IF fence = null") {
            holds = current == nil
        } else {
            holds = current != nil && current == values[4].flatMap { readBigEndianInteger($0, as: Int64.self) }
        }
        if holds {
            tables.fences[name] = epoch
        }
        return (holds, current)
    }

    private func items(
        _ text: String,
        _ values: [[UInt8]?],
        _ parameters: Parameters
    ) throws -> [UInt8] {
        func string(_ index: Int) -> String { String(decoding: values[index] ?? [], as: UTF8.self) }
        let name = [string(0), string(1), string(2)]
        if text.hasPrefix("INSERT") || text.hasPrefix("DELETE") {
            let key = [string(3), string(4)]
            let value = text.hasPrefix("INSERT") ? values[5] ?? [] : nil
            tables.withLock { $0.items[name, default: [:]][key] = value }
            return Bodies.void
        }
        let rows = tables.withLock { tables in
            (tables.items[name] ?? [:]).map { ($0.key, $0.value) }
        }
        if text.hasPrefix("SELECT value") {
            let key = [string(3), string(4)]
            let match = rows.first { $0.0 == key }
            return Bodies.rows([("value", 0x03)], match.map { [[$0.1]] } ?? [])
        }

        // SELECT item, value ... module = ? [AND item >= ? | > ?] [AND item < ?] LIMIT ?
        let module = string(3)
        var index = 4
        var lower: (String, Bool)?
        if text.contains("item >= ?") {
            lower = (string(index), true)
            index += 1
        } else if text.contains("item > ?") {
            lower = (string(index), false)
            index += 1
        }
        var upper: String?
        if text.contains("item < ?") {
            upper = string(index)
            index += 1
        }
        let limit = Int(values[index].flatMap { readBigEndianInteger($0, as: Int32.self) } ?? 0)
        let selected = rows.filter { row in
            guard row.0[0] == module else {
                return false
            }
            let item = row.0[1]
            if let (bound, inclusive) = lower {
                let below = item.utf8.lexicographicallyPrecedes(bound.utf8)
                if below || (!inclusive && item == bound) {
                    return false
                }
            }
            if let upper, !item.utf8.lexicographicallyPrecedes(upper.utf8) {
                return false
            }
            return true
        }
        .sorted { $0.0[1].utf8.lexicographicallyPrecedes($1.0[1].utf8) }
        .prefix(limit)
        .map { [Array($0.0[1].utf8), $0.1] as [[UInt8]?] }
        return Bodies.page([("item", 0x0D), ("value", 0x03)], Array(selected), parameters)
    }

    private func batch(_ reader: inout WireReader) throws -> (CQLOpcode, [UInt8]) {
        let kind = try reader.readByte()
        var statements: [(String, [[UInt8]?])] = []
        for _ in 0..<Int(try reader.readShort()) {
            let text: String
            if try reader.readByte() == 0 {
                text = try reader.readLongString()
            } else {
                let id = try reader.readShortBytes()
                text = tables.withLock { $0.prepared[id] } ?? ""
            }
            let values = try (0..<Int(reader.readShort())).map { _ in try reader.readBytes() }
            statements.append((text, values))
        }
        var tail = WireWriter()
        tail.writeRaw(try reader.readRaw(reader.remaining))
        var tailReader = WireReader(tail.bytes)
        let consistency = try tailReader.readConsistency()
        let flags = try tailReader.readByte()
        let serial = flags & 0x10 != 0 ? try tailReader.readConsistency() : nil
        let timestamp = flags & 0x20 != 0 ? try tailReader.readLong() : nil
        for (text, _) in statements {
            let entry = Executed(
                text: text,
                consistency: consistency,
                serialConsistency: serial,
                timestamp: timestamp,
                batchKind: kind
            )
            tables.withLock { $0.log.append(entry) }
        }

        let condition = statements.first { $0.0.contains(" IF ") }
        let noParameters = try Parameters.empty()
        guard let condition else {
            for (text, values) in statements {
                _ = try items(text, values, noParameters)
            }
            return (.result, Bodies.void)
        }
        return try conditional { tables in
            let (holds, current) = Self.checkFence(condition.0, condition.1, &tables)
            guard holds else {
                return (false, [("fence", 0x02, current.map { bigEndianBytes($0) })])
            }
            for (text, values) in statements where !text.contains(" IF ") {
                let name = [values[0], values[1], values[2]].map { String(decoding: $0 ?? [], as: UTF8.self) }
                let key = [values[3], values[4]].map { String(decoding: $0 ?? [], as: UTF8.self) }
                tables.items[name, default: [:]][key] = text.hasPrefix("INSERT") ? values[5] ?? [] : nil
            }
            return (true, [])
        }
    }
}

extension CQLEmulator.Parameters {
    static func empty() throws -> CQLEmulator.Parameters {
        var reader = WireReader([0, 1, 0])
        return try CQLEmulator.Parameters(&reader)
    }
}

/// Response bodies of the emulator.
private enum Bodies {
    static let void: [UInt8] = [0, 0, 0, 1]

    static var schemaChange: [UInt8] {
        var writer = WireWriter()
        writer.writeInt(5)
        try? writer.writeString("CREATED")
        try? writer.writeString("KEYSPACE")
        try? writer.writeString("dna")
        return writer.bytes
    }

    static var supported: [UInt8] {
        var writer = WireWriter()
        writer.writeShort(1)
        try? writer.writeString("CQL_VERSION")
        try? writer.writeStringList(["3.4.5"])
        return writer.bytes
    }

    static func error(_ code: Int32, _ message: String, _ extra: [UInt8] = []) -> [UInt8] {
        var writer = WireWriter()
        writer.writeInt(code)
        try? writer.writeString(message)
        writer.writeRaw(extra)
        return writer.bytes
    }

    /// Rows with column types given by id (0x22 is written as set<text>).
    static func rows(_ columns: [(String, UInt16)], _ rows: [[[UInt8]?]], pagingState: [UInt8]? = nil) -> [UInt8] {
        var writer = WireWriter()
        writer.writeInt(2)
        writer.writeInt(pagingState == nil ? 0x0001 : 0x0003)
        writer.writeInt(Int32(columns.count))
        if let pagingState {
            writer.writeBytes(pagingState)
        }
        try? writer.writeString("ks")
        try? writer.writeString("t")
        for (name, type) in columns {
            try? writer.writeString(name)
            writer.writeShort(type)
            if type == 0x22 {
                writer.writeShort(0x0D)
            }
        }
        writer.writeInt(Int32(rows.count))
        for row in rows {
            for cell in row {
                writer.writeBytes(cell)
            }
        }
        return writer.bytes
    }

    /// One page of rows, cut by the request's page size, with the next offset as paging state.
    static func page(
        _ columns: [(String, UInt16)],
        _ all: [[[UInt8]?]],
        _ parameters: CQLEmulator.Parameters
    ) -> [UInt8] {
        let start = parameters.pagingState.flatMap { readBigEndianInteger($0, as: Int32.self) }.map(Int.init) ?? 0
        let size = parameters.pageSize ?? 5000
        let end = min(all.count, start + size)
        let state = end < all.count ? bigEndianBytes(Int32(end)) : nil
        return rows(columns, Array(all[min(start, all.count)..<end]), pagingState: state)
    }
}

/// Frames requests of one connection and answers them through the emulator.
private final class EmulatorHandler: TCPConnectionHandler {
    private let emulator: @Sendable () -> CQLEmulator?

    init(_ emulator: @escaping @Sendable () -> CQLEmulator?) {
        self.emulator = emulator
    }

    func connection(_ connection: TCPConnection, didRead buffer: inout ByteBuffer) {
        guard let emulator = emulator() else {
            return
        }
        while let length = buffer.peekUInt32(at: 5), buffer.readableBytes >= 9 + Int(length) {
            let header = buffer.readBytes(9) ?? []
            let body = buffer.readBytes(Int(length)) ?? []
            let (opcode, reply) = emulator.answer(opcode: CQLOpcode(rawValue: header[4]), body: body)
            var writer = WireWriter()
            CQLFrameHeader(
                isResponse: true,
                stream: Int16(bitPattern: UInt16(header[2]) << 8 | UInt16(header[3])),
                opcode: opcode,
                bodyLength: reply.count
            )
            .encode(into: &writer)
            writer.writeRaw(reply)
            connection.write(writer.bytes)
        }
    }
}
