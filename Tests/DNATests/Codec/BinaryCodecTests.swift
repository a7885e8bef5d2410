import DNA
import Foundation
import Testing

@Suite("Binary codec")
struct BinaryCodecTests {
    enum Shape: Codable, Hashable, Sendable {
        case point
        case circle(radius: Double)
        case polygon([Int], label: String?)
        indirect case group(Shape, Shape)
    }

    struct Inner: Codable, Hashable, Sendable {
        var name: String
        var tags: [String]
        var weight: Float?
    }

    struct Outer: Codable, Hashable, Sendable {
        var id: UInt64
        var delta: Int8
        var flag: Bool
        var inner: Inner
        var nested: [[Int?]]
        var table: [String: Inner]
        var shapes: [Shape]
        var missing: Inner?
        var nestedOptional: Int??
        var payload: Data
        var bytes: [UInt8]
    }

    private static let sample = Outer(
        id: .max,
        delta: .min,
        flag: true,
        inner: Inner(name: "héllo, 世界 🌍", tags: ["", "a"], weight: -0.5),
        nested: [[1, nil, -3], [], [nil]],
        table: ["x": Inner(name: "", tags: [], weight: nil)],
        shapes: [
            .point, .circle(radius: .pi), .polygon([1, 2], label: nil), .group(.point, .polygon([], label: "l")),
        ],
        missing: nil,
        nestedOptional: .some(.some(3)),
        payload: Data([0, 0xC0, 0xFF]),
        bytes: []
    )

    private func roundTrip<Value: Codable & Equatable>(_ value: Value) throws -> Value {
        try BinaryDecoder().decode(Value.self, from: try BinaryEncoder().encode(value))
    }

    @Test("nested structs, collections, optionals and enums with associated values round-trip")
    func nested() throws {
        #expect(try roundTrip(Self.sample) == Self.sample)
    }

    @Test(
        "top-level scalars and optionals round-trip",
        arguments: [Int.min, -1, 0, 1, 127, 128, Int.max]
    )
    func scalars(value: Int) throws {
        #expect(try roundTrip(value) == value)
        #expect(try roundTrip(Int?.some(value)) == value)
    }

    @Test("a top-level nil, empty string and strings round-trip")
    func topLevel() throws {
        #expect(try roundTrip(Int?.none) == nil)
        #expect(try roundTrip("") == "")
        #expect(try roundTrip("ünïcødé") == "ünïcødé")
        #expect(try roundTrip(Double.nan).isNaN)
        #expect(try roundTrip([Shape.point]) == [.point])
    }

    @Test("empty nested collections, nil elements and a top-level Data round-trip")
    func edgeCases() throws {
        #expect(try roundTrip([[Int]()]) == [[]])
        #expect(try roundTrip([[String](), ["a"]]) == [[], ["a"]])
        #expect(try roundTrip([1, nil, 3] as [Int?]) == [1, nil, 3])
        #expect(try roundTrip(Inner(name: "", tags: [], weight: nil)) == Inner(name: "", tags: [], weight: nil))
        #expect(try roundTrip(Data([0, 0xC0, 0xFF])) == Data([0, 0xC0, 0xFF]))
        #expect(try roundTrip([UInt8]()) == [])
    }

    @Test("every truncation of an encoded value fails to decode instead of crashing or succeeding")
    func truncated() throws {
        let bytes = try BinaryEncoder().encode(Self.sample)
        for length in 0..<bytes.count {
            #expect(throws: (any Error).self, "a prefix of \(length) bytes decoded") {
                try BinaryDecoder().decode(Outer.self, from: Array(bytes.prefix(length)))
            }
        }
    }

    @Test("garbage fails to decode; random bytes never crash the decoder")
    func garbage() throws {
        #expect(throws: (any Error).self) { try BinaryDecoder().decode(Outer.self, from: [0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(throws: (any Error).self) { try BinaryDecoder().decode(Shape.self, from: [0x03, 0x01, 0x7F]) }
        #expect(throws: (any Error).self) { try BinaryDecoder().decode(String.self, from: [0xC3, 0x28]) }

        var generator = SplitMix(seed: 42)
        for _ in 0..<2_000 {
            let count = Int(generator.next() % 40)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = try? BinaryDecoder().decode(Outer.self, from: bytes)
            _ = try? BinaryDecoder().decode(Shape.self, from: bytes)
        }
    }

    @Test("a stored value that does not decode is reported as decodingFailed")
    func decodingFailed() async throws {
        let fixture = try await KeyValueFixture()
        try fixture.storage.setBytes("bad", to: Array(try BinaryEncoder().encode(Self.sample).prefix(5)))

        let error = await #expect(throws: DNAError.self) { try await fixture.storage.get("bad", as: Outer.self) }

        #expect(error?.code == .decodingFailed)
    }
}
