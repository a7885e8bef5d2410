import DNANetwork
import Foundation

/// A call to a node's gateway that failed: an error answer, an answer that made no sense, or no answer.
struct GatewayError: Error, CustomStringConvertible, Sendable {
    /// The HTTP status, or `nil` when no answer came.
    var status: Int?
    /// The gateway's error code (such as `node_unreachable`), or one of the client's own: `unreachable`,
    /// `bad_answer`.
    var code: String
    var message: String

    var description: String {
        guard let status else {
            return "\(code): \(message)"
        }
        return "status \(status), \(code): \(message)"
    }

    /// No answer: the connection failed or timed out.
    static func unreachable(_ error: NetworkError) -> GatewayError {
        GatewayError(status: nil, code: "unreachable", message: error.message)
    }

    /// An answer of status 200 whose body is not what the call promised.
    static func badAnswer(_ body: [UInt8]) -> GatewayError {
        GatewayError(status: 200, code: "bad_answer", message: excerpt(body))
    }

    /// The error a non-200 answer carries: the gateway's `{"error": {"code", "message"}}` when the body is one.
    static func decode(status: Int, body: [UInt8]) -> GatewayError {
        struct Body: Decodable {
            struct Detail: Decodable {
                var code: String
                var message: String
            }

            var error: Detail
        }

        guard let decoded = try? JSONDecoder().decode(Body.self, from: Data(body)) else {
            return GatewayError(status: status, code: "http_\(status)", message: excerpt(body))
        }
        return GatewayError(status: status, code: decoded.error.code, message: decoded.error.message)
    }

    /// The start of a body on one line, for an error message that must stay short.
    private static func excerpt(_ body: [UInt8]) -> String {
        let limit = 120
        let words = String(decoding: body.prefix(limit), as: UTF8.self).split { $0.isWhitespace }
        let text = words.joined(separator: " ")
        guard !text.isEmpty else {
            return "(empty body)"
        }
        return body.count > limit ? text + " …" : text
    }
}
