import Testing

@testable import DNA

@Suite("Cluster wire format")
struct WireFormatTests {
    private static let node = NodeID(startedAtMillis: 1_733_000_000_123, random: 0xFEED_FACE_CAFE_BEEF)

    private static func message(_ kind: ClusterMessage.Kind, body: [UInt8] = [1, 2, 3]) -> ClusterMessage {
        ClusterMessage(
            kind: kind,
            hops: 3,
            target: node,
            timeout: kind == .call ? .milliseconds(2_500) : .zero,
            name: ActorName(namespace: "ns", type: "chat.room", key: "lobby/ünïcødé"),
            body: body
        )
    }

    /// The length of a message's header: everything before the body.
    private static func headerLength(_ message: ClusterMessage) -> Int {
        message.encoded().count - message.body.count
    }

    @Test("calls and casts round-trip, with their hops, target, timeout (calls only), name and body")
    func messageRoundTrip() {
        for kind in [ClusterMessage.Kind.call, .cast] {
            for body in [[], [0], Array(0...255)] as [[UInt8]] {
                let message = Self.message(kind, body: body)
                #expect(ClusterMessage(decoding: message.encoded()) == message)
            }
        }
        var cast = Self.message(.cast)
        cast.timeout = .seconds(9)
        #expect(ClusterMessage(decoding: cast.encoded())?.timeout == .zero, "a cast carries no timeout")
    }

    @Test("replies, failures and 'not here' round-trip")
    func replyRoundTrip() {
        let replies: [ClusterReply] = [
            .reply([]),
            .reply([9, 8, 7]),
            .failure(DNAError(.notServing, "the node lost its lease")),
            .failure(DNAError(.timedOut, "")),
            .notHere,
        ]
        for reply in replies {
            #expect(ClusterReply(decoding: reply.encoded()) == reply)
        }
    }

    @Test("every truncation of a message header decodes to nil")
    func truncatedMessages() {
        for kind in [ClusterMessage.Kind.call, .cast] {
            let message = Self.message(kind)
            let bytes = message.encoded()
            for length in 0..<Self.headerLength(message) {
                #expect(ClusterMessage(decoding: Array(bytes.prefix(length))) == nil, "\(kind) cut at \(length)")
            }
        }
    }

    @Test("a truncated failure and unknown statuses decode to nil")
    func truncatedReplies() {
        let bytes = ClusterReply.failure(DNAError(.internal, "something broke")).encoded()
        for length in 0..<bytes.count {
            #expect(ClusterReply(decoding: Array(bytes.prefix(length))) == nil, "cut at \(length)")
        }
        for status in UInt8(3)...UInt8(255) {
            #expect(ClusterReply(decoding: [status]) == nil)
        }
    }

    @Test("malformed headers decode to nil: kind, hop count, timeout, lengths, UTF-8, over-long varints")
    func malformedMessages() {
        let good = Self.message(.call).encoded()
        var unknownKind = good
        unknownKind[0] = 7
        #expect(ClusterMessage(decoding: unknownKind) == nil)

        var tooManyHops = Self.message(.cast)
        tooManyHops.hops = 256
        #expect(ClusterMessage(decoding: tooManyHops.encoded()) == nil)

        var writer = WireWriter()
        writer.byte(ClusterMessage.Kind.call.rawValue)
        writer.varint(0)
        writer.node(Self.node)
        writer.varint(UInt64.max)
        writer.name(ActorName(type: "t", key: "k"))
        #expect(ClusterMessage(decoding: writer.bytes) == nil, "an absurd timeout")

        var longString = WireWriter()
        longString.byte(ClusterMessage.Kind.cast.rawValue)
        longString.varint(0)
        longString.node(Self.node)
        longString.varint(1_000)
        longString.rest(Array("ns".utf8))
        #expect(ClusterMessage(decoding: longString.bytes) == nil, "a string longer than the bytes left")

        var badUTF8 = WireWriter()
        badUTF8.byte(ClusterMessage.Kind.cast.rawValue)
        badUTF8.varint(0)
        badUTF8.node(Self.node)
        badUTF8.varint(2)
        badUTF8.rest([0xC3, 0x28])
        badUTF8.string("t")
        badUTF8.string("k")
        #expect(ClusterMessage(decoding: badUTF8.bytes) == nil, "a namespace that is not UTF-8")

        let overlong: [UInt8] = [ClusterMessage.Kind.cast.rawValue] + Array(repeating: 0xFF, count: 11) + [0x01]
        #expect(ClusterMessage(decoding: overlong) == nil)
    }

    @Test("random bytes never crash either decoder")
    func randomBytes() {
        var generator = SplitMix(seed: 0x5EED)
        let valid = Self.message(.call).encoded()
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round.isMultiple(of: 2) {
                bytes = (0..<Int(generator.next() % 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            } else {
                // Mutations of a valid message reach deeper into the decoder than noise does.
                bytes = valid
                for _ in 0..<1 + Int(generator.next() % 4) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
            }
            _ = ClusterMessage(decoding: bytes)
            _ = ClusterReply(decoding: bytes)
        }
    }
}
