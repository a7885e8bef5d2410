import Testing

@testable import DNANetwork

@Suite("ByteBuffer and frame decoding", .timeLimit(.minutes(1)))
struct ByteBufferTests {
    @Test("reading consumes from the front; slices share bytes")
    func readAndSlice() {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 5, 1, 2, 3, 4, 5, 6])

        #expect(buffer.readUInt32() == 5)
        let slice = buffer.readSlice(3)
        #expect(slice?.bytes == [1, 2, 3])
        #expect(buffer.readableBytes == 3)
        #expect(buffer.readSlice(4) == nil)

        buffer.append(contentsOf: [7])
        #expect(buffer.bytes == [4, 5, 6, 7])
        #expect(slice?.bytes == [1, 2, 3])
    }

    @Test("a large consumed prefix is reclaimed")
    func reclaimsConsumedPrefix() {
        var buffer = ByteBuffer(bytes: Array(repeating: 1, count: 10_000))
        buffer.moveReaderIndex(forwardBy: 9_000)
        buffer.append(contentsOf: [2])

        #expect(buffer.readableBytes == 1_001)
        #expect(buffer.byte(at: 1_000) == 2)
        #expect(buffer.firstIndex(of: 2) == 1_000)
    }

    @Test("frames split across reads decode once complete")
    func decodesPartialFrames() throws {
        let decoder = LengthPrefixedFrameDecoder(maximumFrameLength: 100)
        let wire = LengthPrefixedFrameDecoder.frame([1, 2, 3]) + LengthPrefixedFrameDecoder.frame([])
        var buffer = ByteBuffer()
        var frames: [[UInt8]] = []

        for byte in wire {
            buffer.append(contentsOf: [byte])
            while let frame = try decoder.nextFrame(from: &buffer) {
                frames.append(frame.bytes)
            }
        }
        #expect(frames == [[1, 2, 3], []])
    }

    @Test("an oversized prefix is refused before the payload arrives")
    func refusesOversizedFrame() {
        let decoder = LengthPrefixedFrameDecoder(maximumFrameLength: 100)
        var buffer = ByteBuffer(bytes: [0, 0, 0, 101])

        let error = #expect(throws: NetworkError.self) { try decoder.nextFrame(from: &buffer) }
        #expect(error?.code == .tooLarge)
    }

    @Test("an empty frame is malformed when empty frames are not allowed")
    func refusesEmptyFrame() {
        let decoder = LengthPrefixedFrameDecoder(maximumFrameLength: 100, allowsEmptyFrames: false)
        var buffer = ByteBuffer(bytes: [0, 0, 0, 0])

        let error = #expect(throws: NetworkError.self) { try decoder.nextFrame(from: &buffer) }
        #expect(error?.code == .malformed)
    }
}
