import DNANetwork
import Foundation

/// The JSON responses of the gateway.
enum GatewayResponse {
    /// `{"error": {"code": ..., "message": ...}}` with the status that fits the error's code.
    static func error(_ error: DNAError) -> HTTPResponse {
        json(
            ErrorBody(error: .init(code: error.code.rawValue, message: error.message)),
            status: status(for: error.code)
        )
    }

    /// An error of the gateway itself, such as an unknown path.
    static func error(_ status: HTTPStatus, code: String, message: String) -> HTTPResponse {
        json(ErrorBody(error: .init(code: code, message: message)), status: status)
    }

    /// A body already encoded as JSON.
    static func json(bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: bytes)
    }

    static func json(_ value: some Encodable, status: HTTPStatus = .ok) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // The gateway's own bodies are plain structs of strings and numbers: encoding them cannot fail.
        let bytes = (try? encoder.encode(value)).map { Array($0) } ?? Array("{}".utf8)
        return json(bytes: bytes, status: status)
    }

    /// The HTTP status of each error code.
    static func status(for code: DNAError.Code) -> HTTPStatus {
        switch code {
        case .badRequest, .decodingFailed:
            return .badRequest
        case .unknownActorType:
            return .notFound
        case .limitExceeded:
            return .contentTooLarge
        case .timedOut:
            return .gatewayTimeout
        case .draining, .notServing, .nodeUnreachable, .placementFailed, .storeUnavailable, .stopped:
            return .serviceUnavailable
        case .flushFailed, .fenced:
            // Nothing of the call's writes was applied, and the cause lies outside the request (the store
            // failed under the owner, or the name moved): a client may send it again, as for any 503.
            return .serviceUnavailable
        default:
            return .internalServerError
        }
    }

    private struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }

        var error: Detail
    }
}
