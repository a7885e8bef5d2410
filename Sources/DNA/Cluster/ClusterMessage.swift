/// A message forwarded from one node to the node that owns the actor: a call or a cast, with its routing header.
///
/// The wire form is one kind byte, the hop count, the node the sender believes owns the actor, the call's
/// timeout in milliseconds (calls only), the actor's name, then the message as encoded by ``BinaryEncoder``.
struct ClusterMessage: Sendable, Equatable {
    enum Kind: UInt8, Sendable {
        case call = 1
        case cast = 2
    }

    var kind: Kind

    /// How many nodes forwarded the message before this one.
    var hops: Int

    /// The node the sender resolved as the owner; any other node answers "not here".
    var target: NodeID

    /// How long the caller waits, so that the owner does not work on after the caller gave up.
    var timeout: Duration

    var name: ActorName

    /// The message, encoded with ``BinaryEncoder``.
    var body: ArraySlice<UInt8>

    func encoded() -> [UInt8] {
        var writer = WireWriter(capacity: 48 + body.count)
        writer.byte(kind.rawValue)
        writer.varint(UInt64(hops))
        writer.node(target)
        if kind == .call {
            writer.varint(
                UInt64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
            )
        }
        writer.name(name)
        writer.rest(body)
        return writer.bytes
    }

    /// Decodes a message; `nil` when the bytes are not one.
    init?(decoding bytes: [UInt8]) {
        var reader = WireReader(bytes)
        guard let rawKind = reader.byte(), let kind = Kind(rawValue: rawKind),
            let hops = reader.varint(), hops < 256,
            let target = reader.node()
        else {
            return nil
        }
        var timeout = Duration.zero
        if kind == .call {
            guard let millis = reader.varint(), millis < UInt64(Int64.max / 1_000_000) else {
                return nil
            }
            timeout = .milliseconds(Int64(millis))
        }
        guard let name = reader.name() else {
            return nil
        }
        self.init(kind: kind, hops: Int(hops), target: target, timeout: timeout, name: name, body: reader.restSlice())
    }

    init(kind: Kind, hops: Int, target: NodeID, timeout: Duration, name: ActorName, body: [UInt8]) {
        self.init(kind: kind, hops: hops, target: target, timeout: timeout, name: name, body: body[...])
    }

    init(kind: Kind, hops: Int, target: NodeID, timeout: Duration, name: ActorName, body: ArraySlice<UInt8>) {
        self.kind = kind
        self.hops = hops
        self.target = target
        self.timeout = timeout
        self.name = name
        self.body = body
    }
}

/// The answer to a forwarded call: the encoded reply, an error, or "not here" (the receiver does not own the
/// actor, so the sender must resolve the name again).
enum ClusterReply: Sendable, Equatable {
    case reply([UInt8])
    case failure(DNAError)
    case notHere

    private enum Status: UInt8 {
        case reply = 0
        case failure = 1
        case notHere = 2
    }

    func encoded() -> [UInt8] {
        var writer = WireWriter()
        switch self {
        case .reply(let bytes):
            writer.byte(Status.reply.rawValue)
            writer.rest(bytes[...])
        case .failure(let error):
            writer.byte(Status.failure.rawValue)
            writer.string(error.code.rawValue)
            writer.string(error.message)
        case .notHere:
            writer.byte(Status.notHere.rawValue)
        }
        return writer.bytes
    }

    /// Decodes an answer; `nil` when the bytes are not one.
    init?(decoding bytes: [UInt8]) {
        var reader = WireReader(bytes)
        guard let raw = reader.byte(), let status = Status(rawValue: raw) else {
            return nil
        }
        switch status {
        case .reply:
            self = .reply(reader.rest())
        case .failure:
            guard let code = reader.string(), let message = reader.string() else {
                return nil
            }
            self = .failure(DNAError(DNAError.Code(code), message))
        case .notHere:
            self = .notHere
        }
    }
}

extension ActorName {
    /// The bytes of a call to this actor forwarded between nodes, for a message that encodes to `bodySize`
    /// bytes: DNA's routing header and the message, without the transport's frame header.
    ///
    /// Benchmarks use it to compare forwarded calls with raw round trips of the same size.
    public func forwardedCallSize(bodySize: Int) -> Int {
        let target = NodeID(startedAtMillis: WallClock.nowMillis(), random: .max)
        let message = ClusterMessage(kind: .call, hops: 1, target: target, timeout: .seconds(30), name: self, body: [])
        return message.encoded().count + bodySize
    }
}
