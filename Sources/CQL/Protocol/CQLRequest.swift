/// A request message from client to server (§4.1), and its encoding as a frame.
public enum CQLRequest: Sendable {
    /// Asks which options the server supports; answered by SUPPORTED.
    case options
    /// Opens the connection with options (`CQL_VERSION` is mandatory), in the order given.
    case startup([(String, String)])
    /// A SASL token answering AUTHENTICATE or AUTH_CHALLENGE.
    case authResponse([UInt8]?)
    /// Runs query text.
    case query(String, CQLQueryParameters)
    /// Prepares query text; answered by a Prepared result.
    case prepare(String)
    /// Runs a prepared statement by id.
    case execute(id: [UInt8], CQLQueryParameters)
    /// Runs a batch.
    case batch(CQLBatch)
    /// Subscribes the connection to server events.
    case register([CQLEvent.Kind])

    /// The request's opcode.
    public var opcode: CQLOpcode {
        switch self {
        case .options: .options
        case .startup: .startup
        case .authResponse: .authResponse
        case .query: .query
        case .prepare: .prepare
        case .execute: .execute
        case .batch: .batch
        case .register: .register
        }
    }

    /// Encodes the request as a whole frame with the given stream id.
    ///
    /// - Throws: ``CQLClientError/Code/invalidRequest`` when a field does not fit its length prefix.
    public func encodeFrame(stream: Int16) throws(CQLClientError) -> [UInt8] {
        var writer = WireWriter(capacity: 64)
        CQLFrameHeader(isResponse: false, stream: stream, opcode: opcode, bodyLength: 0).encode(into: &writer)
        try encodeBody(into: &writer)

        let bodyLength = writer.count - CQLFrameHeader.size
        guard bodyLength <= CQLFrameHeader.maximumBodyLength else {
            throw CQLClientError(.invalidRequest, "a request body of \(bodyLength) bytes exceeds the frame limit")
        }
        writer.patchInt(Int32(bodyLength), at: 5)
        return writer.bytes
    }

    /// Encodes the body alone.
    public func encodeBody() throws(CQLClientError) -> [UInt8] {
        var writer = WireWriter()
        try encodeBody(into: &writer)
        return writer.bytes
    }

    func encodeBody(into writer: inout WireWriter) throws(CQLClientError) {
        switch self {
        case .options:
            break
        case .startup(let options):
            try writer.writeStringMap(options)
        case .authResponse(let token):
            writer.writeBytes(token)
        case .query(let text, let parameters):
            writer.writeLongString(text)
            try parameters.encode(into: &writer)
        case .prepare(let text):
            writer.writeLongString(text)
        case .execute(let id, let parameters):
            try writer.writeShortBytes(id)
            try parameters.encode(into: &writer)
        case .batch(let batch):
            try batch.encode(into: &writer)
        case .register(let kinds):
            try writer.writeStringList(kinds.map(\.rawValue))
        }
    }
}
