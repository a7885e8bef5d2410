/// The type of a column or bind marker, as the `[option]` of result metadata describes it (§4.2.5.2).
public indirect enum CQLDataType: Sendable, Hashable, CustomStringConvertible {
    case custom(String)
    case ascii
    case bigint
    case blob
    case boolean
    case counter
    case decimal
    case double
    case float
    case int
    case timestamp
    case uuid
    case varchar
    case varint
    case timeuuid
    case inet
    case date
    case time
    case smallint
    case tinyint
    case duration
    case list(CQLDataType)
    case map(CQLDataType, CQLDataType)
    case set(CQLDataType)
    case udt(keyspace: String, name: String, fields: [Field])
    case tuple([CQLDataType])

    /// A field of a user-defined type.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var type: CQLDataType
    }

    /// Deeper nesting than this is refused, so that a hostile response cannot exhaust the stack.
    static let maximumDepth = 32

    static func decode(from reader: inout WireReader, depth: Int = 0) throws(CQLClientError) -> CQLDataType {
        guard depth < maximumDepth else {
            throw CQLClientError(.protocolViolation, "a type [option] is nested more than \(maximumDepth) deep")
        }
        let id = try reader.readShort()
        switch id {
        case 0x0000: return .custom(try reader.readString())
        case 0x0001: return .ascii
        case 0x0002: return .bigint
        case 0x0003: return .blob
        case 0x0004: return .boolean
        case 0x0005: return .counter
        case 0x0006: return .decimal
        case 0x0007: return .double
        case 0x0008: return .float
        case 0x0009: return .int
        case 0x000B: return .timestamp
        case 0x000C: return .uuid
        case 0x000D: return .varchar
        case 0x000E: return .varint
        case 0x000F: return .timeuuid
        case 0x0010: return .inet
        case 0x0011: return .date
        case 0x0012: return .time
        case 0x0013: return .smallint
        case 0x0014: return .tinyint
        case 0x0015: return .duration
        case 0x0020: return .list(try decode(from: &reader, depth: depth + 1))
        case 0x0021:
            let key = try decode(from: &reader, depth: depth + 1)
            return .map(key, try decode(from: &reader, depth: depth + 1))
        case 0x0022: return .set(try decode(from: &reader, depth: depth + 1))
        case 0x0030:
            let keyspace = try reader.readString()
            let name = try reader.readString()
            let count = Int(try reader.readShort())
            var fields: [Field] = []
            for _ in 0..<count {
                let fieldName = try reader.readString()
                fields.append(Field(name: fieldName, type: try decode(from: &reader, depth: depth + 1)))
            }
            return .udt(keyspace: keyspace, name: name, fields: fields)
        case 0x0031:
            let count = Int(try reader.readShort())
            var elements: [CQLDataType] = []
            for _ in 0..<count {
                elements.append(try decode(from: &reader, depth: depth + 1))
            }
            return .tuple(elements)
        default:
            throw CQLClientError(.protocolViolation, "unknown type option id 0x\(String(id, radix: 16))")
        }
    }

    public var description: String {
        switch self {
        case .custom(let name): "'\(name)'"
        case .ascii: "ascii"
        case .bigint: "bigint"
        case .blob: "blob"
        case .boolean: "boolean"
        case .counter: "counter"
        case .decimal: "decimal"
        case .double: "double"
        case .float: "float"
        case .int: "int"
        case .timestamp: "timestamp"
        case .uuid: "uuid"
        case .varchar: "text"
        case .varint: "varint"
        case .timeuuid: "timeuuid"
        case .inet: "inet"
        case .date: "date"
        case .time: "time"
        case .smallint: "smallint"
        case .tinyint: "tinyint"
        case .duration: "duration"
        case .list(let element): "list<\(element)>"
        case .map(let key, let value): "map<\(key), \(value)>"
        case .set(let element): "set<\(element)>"
        case .udt(let keyspace, let name, _): "\(keyspace).\(name)"
        case .tuple(let elements): "tuple<\(elements.map(\.description).joined(separator: ", "))>"
        }
    }
}
