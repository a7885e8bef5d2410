import DNA

/// `dna bench codec`: encodes and decodes a small message with DNA's binary codec, the per-message cost of every
/// forwarded call and cast.
struct CodecBenchmark {
    let count: Int

    func run() throws -> BenchmarkReport {
        let encoder = BinaryEncoder()
        let decoder = BinaryDecoder()
        var bytes = 0

        let encodeStarted = MonotonicInstant.now()
        var encoded: [UInt8] = []
        for number in 0..<count {
            encoded = try encoder.encode(BenchSequence.Message.next(number))
            bytes &+= encoded.count
        }
        let encodeSeconds = (MonotonicInstant.now() - encodeStarted).inSeconds

        let decodeStarted = MonotonicInstant.now()
        var checksum = 0
        for _ in 0..<count {
            if case .next(let number) = try decoder.decode(BenchSequence.Message.self, from: encoded) {
                checksum &+= number
            }
        }
        let decodeSeconds = (MonotonicInstant.now() - decodeStarted).inSeconds

        var report = BenchmarkReport()
        report.add("scenario", "codec")
        report.add("count", count)
        report.add("message_bytes", encoded.count)
        report.add("encode_ns", encodeSeconds * 1e9 / Double(count))
        report.add("decode_ns", decodeSeconds * 1e9 / Double(count))
        report.add("checksum", checksum &+ bytes)
        return report
    }
}
