import DNANetwork
import Synchronization

@testable import CQL

/// A small CQL responder on loopback for connection-level tests: it speaks just enough of the protocol to
/// answer the handshake and hands every other request to the test's behaviour. It is not a database.
final class FakeCQLServer: Sendable {
    /// One request as the fake server received it.
    struct Request: Sendable {
        let connection: Int
        var clientPort = -1
        let stream: Int16
        let opcode: CQLOpcode
        let body: [UInt8]

        /// The query text of a QUERY or PREPARE.
        var text: String? {
            guard opcode == .query || opcode == .prepare else {
                return nil
            }
            var reader = WireReader(body)
            return try? reader.readLongString()
        }

        /// The statement id of an EXECUTE.
        var preparedID: [UInt8]? {
            guard opcode == .execute else {
                return nil
            }
            var reader = WireReader(body)
            return try? reader.readShortBytes()
        }

        /// The bound values of a QUERY or EXECUTE.
        var values: [[UInt8]?] {
            var reader = WireReader(body)
            do {
                if opcode == .query {
                    _ = try reader.readLongString()
                } else if opcode == .execute {
                    _ = try reader.readShortBytes()
                } else {
                    return []
                }
                _ = try reader.readShort()
                let flags = try reader.readByte()
                guard flags & 0x01 != 0 else {
                    return []
                }
                return try (0..<Int(reader.readShort())).map { _ in try reader.readBytes() }
            } catch {
                return []
            }
        }

        /// The STARTUP options.
        var startupOptions: [String: String] {
            var reader = WireReader(body)
            var options: [String: String] = [:]
            guard let count = try? reader.readShort() else {
                return options
            }
            for _ in 0..<count {
                guard let key = try? reader.readString(), let value = try? reader.readString() else {
                    break
                }
                options[key] = value
            }
            return options
        }
    }

    /// The server side of one accepted connection, usable from the behaviour.
    final class Peer: Sendable {
        let id: Int
        let socket: TCPConnection

        init(id: Int, socket: TCPConnection) {
            self.id = id
            self.socket = socket
        }

        func reply(_ request: Request, _ opcode: CQLOpcode, _ body: [UInt8]) {
            send(stream: request.stream, opcode, body)
        }

        func send(stream: Int16, _ opcode: CQLOpcode, _ body: [UInt8]) {
            var writer = WireWriter()
            CQLFrameHeader(isResponse: true, stream: stream, opcode: opcode, bodyLength: body.count)
                .encode(into: &writer)
            writer.writeRaw(body)
            socket.write(writer.bytes)
        }

        func sendRaw(_ bytes: [UInt8]) {
            socket.write(bytes)
        }

        func close() {
            socket.abort()
        }

        /// The client's port, as the server sees it.
        var clientPort: Int { socket.remoteAddress?.port ?? -1 }
    }

    typealias Behaviour = @Sendable (Request, Peer) -> Void

    struct Options: Sendable {
        var supported: [(String, [String])] = [("CQL_VERSION", ["3.4.5"]), ("COMPRESSION", [])]
        /// Per-connection SUPPORTED entries (ScyllaDB reports each connection's shard); `supported` when nil.
        var supportedFor: (@Sendable (Peer) -> [(String, [String])])?
        var credentials: (user: String, password: String)?
        var host = "127.0.0.1"
        var port = 0
    }

    private struct State {
        var requests: [Request] = []
        var peers: [Int: Peer] = [:]
        var nextPeer = 0
        var accepted = 0
    }

    let group: EventLoopGroup
    private let listener: TCPListener
    private let state = Mutex(State())
    let log = Watched<[Request]>([])
    let connections = Watched(0)

    var port: Int { listener.localAddress.port }

    init(options: Options = Options(), behaviour: @escaping Behaviour) throws {
        let group = try EventLoopGroup(loopCount: 1)
        self.group = group
        let box = ServerBox()
        listener = try TCPListener(host: options.host, port: options.port, group: group) { socket in
            FakeCQLHandler(server: box, socket: socket)
        }
        box.set(self, options: options, behaviour: behaviour)
    }

    func shutdown() async {
        listener.close()
        await group.shutdown()
    }

    var requests: [Request] { log.value }

    /// Sends a frame to every open connection (events use stream -1).
    func broadcast(stream: Int16, _ opcode: CQLOpcode, _ body: [UInt8]) {
        for peer in state.withLock({ Array($0.peers.values) }) {
            peer.send(stream: stream, opcode, body)
        }
    }

    /// Closes every accepted connection.
    func dropConnections() {
        for peer in state.withLock({ Array($0.peers.values) }) {
            peer.close()
        }
    }

    fileprivate func register(_ socket: TCPConnection) -> Peer {
        let peer = state.withLock { state -> Peer in
            state.nextPeer += 1
            let peer = Peer(id: state.nextPeer, socket: socket)
            state.peers[peer.id] = peer
            return peer
        }
        connections.update { $0 += 1 }
        return peer
    }

    fileprivate func unregister(_ peer: Peer) {
        state.withLock { _ = $0.peers.removeValue(forKey: peer.id) }
    }

    fileprivate func record(_ request: Request) {
        log.update { $0.append(request) }
    }
}

/// Late binding between the listener's handler factory and the server it belongs to.
private final class ServerBox: Sendable {
    private struct Bound: Sendable {
        weak var server: FakeCQLServer?
        let options: FakeCQLServer.Options
        let behaviour: FakeCQLServer.Behaviour
    }

    private let bound = Mutex<Bound?>(nil)

    func set(_ server: FakeCQLServer, options: FakeCQLServer.Options, behaviour: @escaping FakeCQLServer.Behaviour) {
        bound.withLock { $0 = Bound(server: server, options: options, behaviour: behaviour) }
    }

    var current: (FakeCQLServer, FakeCQLServer.Options, FakeCQLServer.Behaviour)? {
        bound.withLock { bound in
            guard let bound, let server = bound.server else {
                return nil
            }
            return (server, bound.options, bound.behaviour)
        }
    }
}

/// The handler of one accepted connection: frames requests, answers the handshake, passes the rest on.
private final class FakeCQLHandler: TCPConnectionHandler {
    private let box: ServerBox
    private var peer: FakeCQLServer.Peer?
    private let socket: TCPConnection

    init(server box: ServerBox, socket: TCPConnection) {
        self.box = box
        self.socket = socket
    }

    func connectionDidBecomeActive(_ connection: TCPConnection) {
        peer = box.current?.0.register(connection)
    }

    func connection(_ connection: TCPConnection, didRead buffer: inout ByteBuffer) {
        guard let (server, options, behaviour) = box.current, let peer else {
            return
        }
        while buffer.readableBytes >= CQLFrameHeader.size {
            let view = buffer.readableView
            let base = view.startIndex
            let length =
                Int(view[base + 5]) << 24 | Int(view[base + 6]) << 16 | Int(view[base + 7]) << 8
                | Int(view[base + 8])
            guard buffer.readableBytes >= CQLFrameHeader.size + length else {
                return
            }
            let stream = Int16(bitPattern: UInt16(view[base + 2]) << 8 | UInt16(view[base + 3]))
            let opcode = CQLOpcode(rawValue: view[base + 4])
            buffer.moveReaderIndex(forwardBy: CQLFrameHeader.size)
            let body = buffer.readBytes(length) ?? []
            let request = FakeCQLServer.Request(
                connection: peer.id,
                clientPort: peer.clientPort,
                stream: stream,
                opcode: opcode,
                body: body
            )
            server.record(request)
            answer(request, peer: peer, options: options, behaviour: behaviour)
        }
    }

    private func answer(
        _ request: FakeCQLServer.Request,
        peer: FakeCQLServer.Peer,
        options: FakeCQLServer.Options,
        behaviour: FakeCQLServer.Behaviour
    ) {
        switch request.opcode {
        case .options:
            peer.reply(request, .supported, FakeBodies.supported(options.supportedFor?(peer) ?? options.supported))
        case .startup:
            if options.credentials != nil {
                peer.reply(request, .authenticate, FakeBodies.string(PasswordAuthenticator.className))
            } else {
                peer.reply(request, .ready, [])
            }
        case .authResponse:
            var reader = WireReader(request.body)
            let token = (try? reader.readBytes()) ?? nil
            let expected = options.credentials.map {
                PasswordAuthenticator(username: $0.user, password: $0.password).initialResponse()
            }
            if token == expected ?? nil {
                peer.reply(request, .authSuccess, FakeBodies.nullBytes)
            } else {
                peer.reply(
                    request,
                    .error,
                    FakeBodies.error(.badCredentials, "Provided username and/or password are incorrect")
                )
            }
        default:
            behaviour(request, peer)
        }
    }

    func connection(_ connection: TCPConnection, didCloseWith reason: TCPCloseReason) {
        if let peer, let (server, _, _) = box.current {
            server.unregister(peer)
        }
    }
}

/// Response bodies built by hand from the specification.
enum FakeBodies {
    static let void: [UInt8] = [0, 0, 0, 1]
    static let nullBytes: [UInt8] = [0xff, 0xff, 0xff, 0xff]

    static func string(_ value: String) -> [UInt8] {
        var writer = WireWriter()
        try? writer.writeString(value)
        return writer.bytes
    }

    static func supported(_ entries: [(String, [String])]) -> [UInt8] {
        var writer = WireWriter()
        writer.writeShort(UInt16(entries.count))
        for (key, values) in entries {
            try? writer.writeString(key)
            try? writer.writeStringList(values)
        }
        return writer.bytes
    }

    static func error(_ code: CQLServerError.Code, _ message: String, extra: [UInt8] = []) -> [UInt8] {
        var writer = WireWriter()
        writer.writeInt(code.rawValue)
        try? writer.writeString(message)
        writer.writeRaw(extra)
        return writer.bytes
    }

    /// A Rows result with a global table spec `ks.t`; type ids per §4.2.5.2.
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
        }
        writer.writeInt(Int32(rows.count))
        for row in rows {
            for cell in row {
                writer.writeBytes(cell)
            }
        }
        return writer.bytes
    }

    /// A Prepared result: an id, bind markers (name, type id) with partition-key indexes, no result columns.
    static func prepared(
        id: [UInt8],
        markers: [(String, UInt16)] = [],
        keyIndexes: [Int] = [],
        flags: UInt32 = 0x0001
    ) -> [UInt8] {
        var writer = WireWriter()
        writer.writeInt(4)
        try? writer.writeShortBytes(id)
        writer.writeInt(Int32(bitPattern: flags | 0x0001))
        writer.writeInt(Int32(markers.count))
        writer.writeInt(Int32(keyIndexes.count))
        for index in keyIndexes {
            writer.writeShort(UInt16(index))
        }
        try? writer.writeString("ks")
        try? writer.writeString("t")
        for (name, type) in markers {
            try? writer.writeString(name)
            writer.writeShort(type)
        }
        writer.writeInt(0x0004)
        writer.writeInt(0)
        return writer.bytes
    }

    static func statusEvent(_ change: String, address: [UInt8], port: Int32) -> [UInt8] {
        var writer = WireWriter()
        try? writer.writeString("STATUS_CHANGE")
        try? writer.writeString(change)
        writer.writeByte(UInt8(address.count))
        writer.writeRaw(address)
        writer.writeInt(port)
        return writer.bytes
    }
}

extension FakeBodies {
    /// Type options (§4.2.5.2) for rows with non-native types.
    enum Option {
        static let text: [UInt8] = [0x00, 0x0D]
        static let int: [UInt8] = [0x00, 0x09]
        static let bigint: [UInt8] = [0x00, 0x02]
        static let blob: [UInt8] = [0x00, 0x03]
        static let boolean: [UInt8] = [0x00, 0x04]
        static let inet: [UInt8] = [0x00, 0x10]
        static let uuid: [UInt8] = [0x00, 0x0C]
        static let textSet: [UInt8] = [0x00, 0x22, 0x00, 0x0D]
    }

    /// A Rows result whose columns carry whole type options.
    static func rows(typed columns: [(String, [UInt8])], _ rows: [[[UInt8]?]]) -> [UInt8] {
        var writer = WireWriter()
        writer.writeInt(2)
        writer.writeInt(0x0001)
        writer.writeInt(Int32(columns.count))
        try? writer.writeString("system")
        try? writer.writeString("t")
        for (name, option) in columns {
            try? writer.writeString(name)
            writer.writeRaw(option)
        }
        writer.writeInt(Int32(rows.count))
        for row in rows {
            for cell in row {
                writer.writeBytes(cell)
            }
        }
        return writer.bytes
    }

    static func textSet(_ values: [String]) -> [UInt8] {
        var writer = WireWriter()
        writer.writeInt(Int32(values.count))
        for value in values {
            writer.writeBytes(Array(value.utf8))
        }
        return writer.bytes
    }
}

/// A fake node of a fake cluster: answers discovery queries from a description of the cluster and passes
/// every other request to `rest`.
struct FakeNode: Sendable {
    struct Member: Sendable {
        var address: [UInt8]
        var tokens: [String]
        var datacenter = "dc1"
    }

    var me: Member
    var peers: [Member]

    func behaviour(_ rest: @escaping FakeCQLServer.Behaviour) -> FakeCQLServer.Behaviour {
        { request, peer in
            if request.opcode == .register {
                peer.reply(request, .ready, [])
                return
            }
            guard let text = request.text else {
                rest(request, peer)
                return
            }
            if text.contains("FROM system.local") {
                let row: [[UInt8]?] = [
                    Array(me.datacenter.utf8), Array("r1".utf8), FakeBodies.textSet(me.tokens), nil,
                    Array("fake".utf8),
                ]
                let columns: [(String, [UInt8])] = [
                    ("data_center", FakeBodies.Option.text), ("rack", FakeBodies.Option.text),
                    ("tokens", FakeBodies.Option.textSet), ("host_id", FakeBodies.Option.uuid),
                    ("release_version", FakeBodies.Option.text),
                ]
                peer.reply(request, .result, FakeBodies.rows(typed: columns, [row]))
            } else if text.contains("FROM system.peers") {
                let rows: [[[UInt8]?]] = peers.map { member in
                    [
                        member.address, member.address, Array(member.datacenter.utf8), Array("r1".utf8),
                        FakeBodies.textSet(member.tokens), nil, Array("fake".utf8),
                    ]
                }
                let columns: [(String, [UInt8])] = [
                    ("peer", FakeBodies.Option.inet), ("rpc_address", FakeBodies.Option.inet),
                    ("data_center", FakeBodies.Option.text), ("rack", FakeBodies.Option.text),
                    ("tokens", FakeBodies.Option.textSet), ("host_id", FakeBodies.Option.uuid),
                    ("release_version", FakeBodies.Option.text),
                ]
                peer.reply(request, .result, FakeBodies.rows(typed: columns, rows))
            } else {
                rest(request, peer)
            }
        }
    }
}
