/// A response message from server to client (§4.2).
public enum CQLResponse: Sendable, Hashable {
    case error(CQLServerError)
    case ready
    /// Authentication is required, with the server's authenticator class.
    case authenticate(authenticator: String)
    /// The options the server supports, as a multimap in the order sent.
    case supported(CQLSupportedOptions)
    case result(CQLResult)
    case event(CQLEvent)
    case authChallenge([UInt8]?)
    case authSuccess([UInt8]?)

    /// Decodes the body of a response with the given opcode.
    ///
    /// - Throws: ``CQLClientError/Code/protocolViolation`` when the body is malformed or the opcode is not a
    ///   response.
    static func decode(opcode: CQLOpcode, from reader: inout WireReader) throws(CQLClientError) -> CQLResponse {
        switch opcode {
        case .error:
            return .error(try decodeError(from: &reader))
        case .ready:
            return .ready
        case .authenticate:
            return .authenticate(authenticator: try reader.readString())
        case .supported:
            return .supported(CQLSupportedOptions(entries: try reader.readStringMultimap()))
        case .result:
            return .result(try CQLResult.decode(from: &reader))
        case .event:
            return .event(try CQLEvent.decode(from: &reader))
        case .authChallenge:
            return .authChallenge(try reader.readBytes())
        case .authSuccess:
            return .authSuccess(try reader.readBytes())
        default:
            throw CQLClientError(.protocolViolation, "\(opcode) is not a response opcode")
        }
    }

    static func decodeError(from reader: inout WireReader) throws(CQLClientError) -> CQLServerError {
        let code = CQLServerError.Code(rawValue: try reader.readInt())
        let message = try reader.readString()
        let details: CQLServerError.Details
        switch code {
        case .unavailable:
            details = .unavailable(
                consistency: try reader.readConsistency(),
                required: try reader.readInt(),
                alive: try reader.readInt()
            )
        case .writeTimeout:
            details = .writeTimeout(
                consistency: try reader.readConsistency(),
                received: try reader.readInt(),
                blockFor: try reader.readInt(),
                writeType: CQLWriteType(rawValue: try reader.readString())
            )
        case .readTimeout:
            details = .readTimeout(
                consistency: try reader.readConsistency(),
                received: try reader.readInt(),
                blockFor: try reader.readInt(),
                dataPresent: try reader.readByte() != 0
            )
        case .readFailure:
            details = .readFailure(
                consistency: try reader.readConsistency(),
                received: try reader.readInt(),
                blockFor: try reader.readInt(),
                failures: try reader.readInt(),
                dataPresent: try reader.readByte() != 0
            )
        case .writeFailure:
            details = .writeFailure(
                consistency: try reader.readConsistency(),
                received: try reader.readInt(),
                blockFor: try reader.readInt(),
                failures: try reader.readInt(),
                writeType: CQLWriteType(rawValue: try reader.readString())
            )
        case .functionFailure:
            details = .functionFailure(
                keyspace: try reader.readString(),
                function: try reader.readString(),
                argumentTypes: try reader.readStringList()
            )
        case .alreadyExists:
            details = .alreadyExists(keyspace: try reader.readString(), table: try reader.readString())
        case .unprepared:
            details = .unprepared(id: try reader.readShortBytes())
        case .scyllaRateLimit where reader.remaining >= 2:
            details = .rateLimit(isWrite: try reader.readByte() == 1, rejectedByCoordinator: try reader.readByte() == 1)
        default:
            details = .none
        }
        return CQLServerError(code: code, message: message, details: details)
    }
}

/// A SUPPORTED body: option names with their values, in the order the server sent them.
public struct CQLSupportedOptions: Sendable, Hashable {
    /// The entries as sent.
    public var entries: [String: [String]]

    public init(entries: [(String, [String])]) {
        var map: [String: [String]] = [:]
        for (key, values) in entries {
            map[key, default: []].append(contentsOf: values)
        }
        self.entries = map
    }

    /// The values of an option, empty when absent.
    public subscript(_ key: String) -> [String] {
        entries[key] ?? []
    }

    /// The first value of an option as an integer.
    public func integer(_ key: String) -> Int? {
        self[key].first.flatMap { Int($0) }
    }
}

/// A decoded response frame: its header, the optional prefixes the flags announce, and the message.
public struct CQLResponseFrame: Sendable, Hashable {
    public var header: CQLFrameHeader
    /// The tracing session id, when tracing was asked for.
    public var tracingID: [UInt8]?
    /// Warnings the server attached.
    public var warnings: [String]
    /// A custom payload (ScyllaDB sends tablet routing information in it).
    public var customPayload: [String: [UInt8]?]
    public var response: CQLResponse

    /// Decodes a whole response frame: header and body.
    ///
    /// - Returns: `nil` when `bytes` holds less than one whole frame.
    /// - Throws: ``CQLClientError/Code/protocolViolation`` when the frame is malformed, compressed (no
    ///   compression is negotiated) or not a response.
    public static func decode(_ bytes: [UInt8]) throws(CQLClientError) -> CQLResponseFrame? {
        guard let header = try CQLFrameHeader.decode(bytes) else {
            return nil
        }
        guard bytes.count >= CQLFrameHeader.size + header.bodyLength else {
            return nil
        }
        let body = Array(bytes[CQLFrameHeader.size..<CQLFrameHeader.size + header.bodyLength])
        return try decode(header: header, body: body)
    }

    /// Decodes the body of a frame whose header was read already.
    public static func decode(header: CQLFrameHeader, body: [UInt8]) throws(CQLClientError) -> CQLResponseFrame {
        guard header.isResponse else {
            throw CQLClientError(.protocolViolation, "a request frame (\(header.opcode)) arrived from the server")
        }
        guard !header.flags.contains(.compression) else {
            throw CQLClientError(.protocolViolation, "a compressed frame arrived, but no compression was negotiated")
        }
        var reader = WireReader(body)
        let tracingID = header.flags.contains(.tracing) ? try reader.readUUID() : nil
        let warnings = header.flags.contains(.warning) ? try reader.readStringList() : []
        let payload = header.flags.contains(.customPayload) ? try reader.readBytesMap() : [:]
        // Trailing bytes are ignored: the specification lets servers extend bodies.
        let response = try CQLResponse.decode(opcode: header.opcode, from: &reader)
        return CQLResponseFrame(
            header: header,
            tracingID: tracingID,
            warnings: warnings,
            customPayload: payload,
            response: response
        )
    }
}
