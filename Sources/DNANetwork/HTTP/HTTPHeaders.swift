/// One header field: a name and a value.
public struct HTTPField: Sendable, Hashable {
    /// The name as received or set; compare names case-insensitively.
    public var name: String

    /// The value, without leading or trailing whitespace.
    public var value: String

    /// Creates a field.
    ///
    /// - Parameters:
    ///   - name: The field name.
    ///   - value: The field value.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The header fields of a request or response, in order, with
/// case-insensitive lookup by name.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The fields in the order received or added.
    public private(set) var fields: [HTTPField]

    /// Creates headers from fields.
    ///
    /// - Parameter fields: The fields, in order.
    public init(_ fields: [HTTPField] = []) {
        self.fields = fields
    }

    /// Creates headers from a literal such as `["Content-Type": "application/json"]`.
    ///
    /// - Parameter elements: Name and value pairs.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { HTTPField(name: $0.0, value: $0.1) }
    }

    /// The number of fields.
    public var count: Int {
        fields.count
    }

    /// The value of the first field named `name` (any case), or `nil`.
    ///
    /// - Parameter name: The field name.
    public subscript(name: String) -> String? {
        fields.first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }

    /// The values of every field named `name` (any case), in order.
    ///
    /// - Parameter name: The field name.
    /// - Returns: The values; empty when there is none.
    public func values(for name: String) -> [String] {
        fields.filter { $0.name.equalsIgnoringASCIICase(name) }.map(\.value)
    }

    /// Whether a field named `name` (any case) is present.
    ///
    /// - Parameter name: The field name.
    /// - Returns: `true` when at least one field has that name.
    public func contains(_ name: String) -> Bool {
        fields.contains { $0.name.equalsIgnoringASCIICase(name) }
    }

    /// Appends a field, keeping any others of the same name.
    ///
    /// - Parameters:
    ///   - name: The field name.
    ///   - value: The field value.
    public mutating func add(name: String, value: String) {
        fields.append(HTTPField(name: name, value: value))
    }

    /// Replaces every field named `name` with one field.
    ///
    /// - Parameters:
    ///   - name: The field name.
    ///   - value: The field value.
    public mutating func set(name: String, value: String) {
        remove(name)
        add(name: name, value: value)
    }

    /// Removes every field named `name` (any case).
    ///
    /// - Parameter name: The field name.
    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.equalsIgnoringASCIICase(name) }
    }

    /// Whether a comma-separated field such as `Connection` lists `token` (any case).
    ///
    /// - Parameters:
    ///   - name: The field name.
    ///   - token: The token to look for.
    /// - Returns: `true` when any field of that name lists the token.
    public func containsToken(_ token: String, in name: String) -> Bool {
        values(for: name).contains { value in
            value.split(separator: ",").contains { item in
                item.trimmingASCIIWhitespace().equalsIgnoringASCIICase(token)
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[HTTPField]> {
        fields.makeIterator()
    }
}

extension StringProtocol {
    /// Compares two strings byte by byte, folding ASCII letters only, as
    /// HTTP field names and tokens are compared.
    func equalsIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        guard utf8.count == other.utf8.count else {
            return false
        }

        return zip(utf8, other.utf8).allSatisfy { left, right in
            left == right || (left | 0x20 == right | 0x20 && (left | 0x20) >= 0x61 && (left | 0x20) <= 0x7A)
        }
    }

    /// The string without leading and trailing spaces and tabs.
    func trimmingASCIIWhitespace() -> Substring {
        let text = Substring(self)
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }

        guard let first = text.firstIndex(where: { !isBlank($0) }) else {
            return text[text.endIndex...]
        }
        // Force unwrap: a non-blank character exists, so lastIndex finds one.
        let last = text.lastIndex(where: { !isBlank($0) })!
        return text[first...last]
    }
}
