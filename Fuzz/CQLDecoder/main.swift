// A libFuzzer target for the CQL response decoder.
//
// Built by `.ci/cql` with `swiftc -sanitize=fuzzer -parse-as-library` together with the codec's sources (the
// folders Protocol, Types and Errors of Sources/CQL and the routing helpers), which compile without any
// networking. Every input must decode or throw CQLClientError; a trap (an out-of-bounds read, an overflow,
// unbounded recursion) is a crash libFuzzer reports.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))

    // As a whole frame off the wire.
    _ = try? CQLResponseFrame.decode(bytes)

    // As the body of each response opcode, with the prefix flags taken from the first byte, so that inputs
    // need not get a valid header right to reach the body decoders.
    guard let first = bytes.first else {
        return 0
    }
    let body = Array(bytes.dropFirst())
    let opcodes: [CQLOpcode] = [
        .error, .ready, .authenticate, .supported, .result, .event, .authChallenge, .authSuccess,
    ]
    let opcode = opcodes[Int(first >> 4) % opcodes.count]
    let header = CQLFrameHeader(
        isResponse: true,
        flags: CQLFrameHeader.Flags(rawValue: first & 0x0E),
        stream: 1,
        opcode: opcode,
        bodyLength: body.count
    )
    if let frame = try? CQLResponseFrame.decode(header: header, body: body) {
        exercise(frame.response)
    }
    return 0
}

/// Reads every cell of decoded rows through the typed decoders, which must throw rather than trap.
private func exercise(_ response: CQLResponse) {
    guard case .result(.rows(let rows)) = response else {
        return
    }
    for row in rows.rows {
        for index in row.cells.indices {
            _ = try? row.decode(String.self, at: index)
            _ = try? row.decode(Int64.self, at: index)
            _ = try? row.decode(Int.self, at: index)
            _ = try? row.decode(Bool.self, at: index)
            _ = try? row.decode(Double.self, at: index)
            _ = try? row.decode(CQLTimestamp.self, at: index)
            _ = try? row.decode(Set<String>.self, at: index)
        }
    }
    _ = rows.conditionalOutcome
}
