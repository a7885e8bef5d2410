import Foundation
import Testing

@testable import DNA

/// The one-pass writer must produce the tree's bytes exactly, and leave to the tree what only it can encode.
@Suite("Binary encoding in one pass")
struct DirectWriterTests {
    struct Leaf: Codable, Hashable {
        var text: String
        var number: Int
        var blob: [UInt8]
        var optional: Double?
    }

    enum Choice: Codable, Hashable {
        case none
        case one(Leaf)
        case many([Leaf], note: String?)
        indirect case pair(Choice, Choice)
    }

    enum Raw: String, Codable, Hashable {
        case first
        case second
    }

    class Base: Codable {
        var base: Int
        init(base: Int) { self.base = base }
    }

    /// Encodes its parent's fields through `superEncoder()`, as a class that inherits Codable may.
    final class Derived: Base {
        var own: String

        init(base: Int, own: String) {
            self.own = own
            super.init(base: base)
        }

        required init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            own = try container.decode(String.self, forKey: .own)
            try super.init(from: container.superDecoder())
        }

        override func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(own, forKey: .own)
            try super.encode(to: container.superEncoder())
        }

        private enum CodingKeys: String, CodingKey {
            case own
        }
    }

    private static func leaf(_ size: Int) -> Leaf {
        Leaf(
            text: String(repeating: "é", count: size),
            number: -size,
            blob: Array(repeating: 7, count: size),
            optional: nil
        )
    }

    private func expectSameBytes<Value: Codable & Equatable>(_ value: Value) throws {
        let encoder = BinaryEncoder()
        let direct = try #require(try DirectWriter.encode(value), "the one-pass writer gave up")
        #expect(direct == (try encoder.encodeThroughTree(value)))
        #expect(try BinaryDecoder().decode(Value.self, from: direct) == value)
    }

    @Test("structs, enums, optionals, raw values and collections: the tree's bytes")
    func sameBytesAsTheTree() throws {
        try expectSameBytes(Self.leaf(3))
        try expectSameBytes(Choice.none)
        try expectSameBytes(Choice.one(Self.leaf(1)))
        try expectSameBytes(Choice.many([Self.leaf(0), Self.leaf(2)], note: nil))
        try expectSameBytes(Choice.pair(.none, .pair(.one(Self.leaf(5)), .many([], note: "n"))))
        try expectSameBytes([Raw.first, .second])
        try expectSameBytes(["a": [1, 2], "b": []] as [String: [Int]])
        try expectSameBytes([[Int?]]([[1, nil], [], [nil, nil, 3]]))
        try expectSameBytes([Int?.none])
        try expectSameBytes(Int?.none)
    }

    @Test("lengths and counts that need two or three bytes move what follows them")
    func longHeaders() throws {
        try expectSameBytes(Self.leaf(127))
        try expectSameBytes(Self.leaf(128))
        try expectSameBytes(Choice.one(Self.leaf(20_000)))
        try expectSameBytes(Array(0..<300))
        try expectSameBytes(Dictionary(uniqueKeysWithValues: (0..<200).map { ("key\($0)", $0) }))
        try expectSameBytes(Choice.many((0..<150).map { Self.leaf($0) }, note: String(repeating: "x", count: 200)))
    }

    @Test("a class that encodes its parent through superEncoder: the tree's bytes")
    func superEncoder() throws {
        let value = Derived(base: 42, own: "own")
        let direct = try #require(try DirectWriter.encode(value))
        #expect(direct == (try BinaryEncoder().encodeThroughTree(value)))
        let decoded = try BinaryDecoder().decode(Derived.self, from: direct)
        #expect(decoded.base == 42 && decoded.own == "own")
    }

    /// Writes into a nested container after its parent went on to the next key.
    struct OutOfOrder: Encodable {
        func encode(to encoder: any Encoder) throws {
            var outer = encoder.container(keyedBy: AnyKey.self)
            var early = outer.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("early"))
            try outer.encode(1, forKey: AnyKey("between"))
            try early.encode(2, forKey: AnyKey("late"))
        }
    }

    /// Writes two values into one single-value container: the tree keeps the last.
    struct TwiceSingle: Encodable {
        func encode(to encoder: any Encoder) throws {
            var single = encoder.singleValueContainer()
            try single.encode(1)
            try single.encode("second")
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    struct Read: Decodable, Equatable {
        var between: Int
        var late: Int

        init(between: Int, late: Int) {
            self.between = between
            self.late = late
        }

        init(from decoder: any Decoder) throws {
            let outer = try decoder.container(keyedBy: AnyKey.self)
            between = try outer.decode(Int.self, forKey: AnyKey("between"))
            late = try outer.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("early"))
                .decode(Int.self, forKey: AnyKey("late"))
        }
    }

    @Test("containers used out of order, or a slot written twice, are left to the tree")
    func outOfOrderFallsBack() throws {
        #expect(try DirectWriter.encode(OutOfOrder()) == nil)
        let bytes = try BinaryEncoder().encode(OutOfOrder())
        #expect(bytes == (try BinaryEncoder().encodeThroughTree(OutOfOrder())))
        #expect(try BinaryDecoder().decode(Read.self, from: bytes) == Read(between: 1, late: 2))

        #expect(try DirectWriter.encode(TwiceSingle()) == nil)
        let twice = try BinaryEncoder().encode(TwiceSingle())
        #expect(try BinaryDecoder().decode(String.self, from: twice) == "second")
    }
}
