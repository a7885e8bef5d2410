import DNA
import Foundation

/// The body of a node's `GET /v1/cluster`, as DNA's gateway writes it.
typealias ClusterView = ClusterStatus

extension ClusterStatus {
    /// Decodes a body.
    ///
    /// - Throws: ``ClusterViewError`` saying what is wrong with the body.
    static func decode(_ body: [UInt8]) throws(ClusterViewError) -> ClusterView {
        do {
            return try JSONDecoder().decode(ClusterView.self, from: Data(body))
        } catch DecodingError.dataCorrupted {
            throw ClusterViewError("the body is not JSON")
        } catch DecodingError.keyNotFound(let key, let context) {
            throw ClusterViewError("the field \(Self.path(context.codingPath + [key])) is missing")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            throw ClusterViewError("the field \(Self.path(context.codingPath)) has the wrong type")
        } catch {
            throw ClusterViewError("the body cannot be read: \(error)")
        }
    }

    /// A coding path as `nodes[2].alive`.
    private static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }
}

/// A body of `GET /v1/cluster` that is not a cluster view.
struct ClusterViewError: Error, Equatable, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
