import Foundation

/// The body of a node's `GET /v1/cluster`: the cluster's nodes as that node sees them.
struct ClusterView: Decodable, Equatable, Sendable {
    /// One node of the cluster.
    struct Member: Decodable, Equatable, Sendable {
        var id: String
        var address: String
        var http: String
        var alive: Bool
        var draining: Bool
        var load: Int
        var residentActors: Int
        /// Whether this is the node that answered.
        var this: Bool

        enum CodingKeys: String, CodingKey {
            case id, address, http, alive, draining, load, this
            case residentActors = "resident_actors"
        }
    }

    var cluster: String
    var node: String
    var phase: String
    var nodes: [Member]

    /// The node that answered, when it lists itself.
    var asked: Member? { nodes.first { $0.this } }

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
