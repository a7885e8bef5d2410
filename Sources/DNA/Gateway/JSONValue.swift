import Foundation

/// Any JSON value, for messages whose payload is free-form JSON (such as the built-in `kv` actor's values).
///
/// Through the HTTP gateway a `JSONValue` is plain JSON. Through DNA's binary codec (between nodes, in storage)
/// it travels as its JSON text, since that codec is not self-describing.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension CodingUserInfoKey {
    /// Set to `true` in the user info of the gateway's JSON coders, so that ``JSONValue`` writes plain JSON.
    public static let dnaJSON = CodingUserInfoKey(rawValue: "dna.json")!  // A non-empty literal is always valid.
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard decoder.userInfo[.dnaJSON] as? Bool == true else {
            self = try Self.parse(Array(try container.decode(String.self).utf8))
            return
        }
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        guard encoder.userInfo[.dnaJSON] as? Bool == true else {
            try container.encode(String(decoding: try serialized(), as: UTF8.self))
            return
        }
        switch self {
        case .null:
            try container.encodeNil()
        case .bool(let bool):
            try container.encode(bool)
        case .number(let number):
            try container.encode(number)
        case .string(let string):
            try container.encode(string)
        case .array(let array):
            try container.encode(array)
        case .object(let object):
            try container.encode(object)
        }
    }

    /// The value as JSON text.
    public func serialized() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.userInfo[.dnaJSON] = true
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(self))
    }

    /// Parses JSON text.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        let decoder = JSONDecoder()
        decoder.userInfo[.dnaJSON] = true
        return try decoder.decode(JSONValue.self, from: Data(bytes))
    }
}
