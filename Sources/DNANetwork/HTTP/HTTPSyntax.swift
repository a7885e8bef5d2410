/// Character classes and small grammars of HTTP/1.1 (RFC 9110, RFC 9112).
enum HTTPSyntax {
    /// Whether `byte` may appear in a token (methods, field names).
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// Whether `byte` may appear in a request target: visible ASCII only;
    /// anything else must be percent-encoded.
    static func isTargetByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F
    }

    /// Parses `HTTP/<digit>.<digit>`; `nil` when the text has another shape.
    static func version(_ bytes: ArraySlice<UInt8>) -> HTTPVersion? {
        let text = Array(bytes)
        guard text.count == 8, text.starts(with: Array("HTTP/".utf8)), text[6] == UInt8(ascii: ".") else {
            return nil
        }

        let isDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard isDigit(text[5]), isDigit(text[7]) else {
            return nil
        }
        return HTTPVersion(major: Int(text[5] - UInt8(ascii: "0")), minor: Int(text[7] - UInt8(ascii: "0")))
    }

    /// Parses a `name: value` field line (without its CRLF).
    static func field(_ line: [UInt8]) -> Result<HTTPField, HTTPParseError> {
        if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
            return .failure(.malformed("obsolete line folding"))
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
            return .failure(.malformed("header line without a name"))
        }

        let name = line[..<colon]
        guard name.allSatisfy(isTokenByte) else {
            return .failure(.malformed("invalid header name"))
        }

        let value = trimmed(line[(colon + 1)...])
        guard value.allSatisfy(isFieldValueByte) else {
            return .failure(.malformed("invalid header value"))
        }
        return .success(
            HTTPField(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        )
    }

    /// Parses a non-negative decimal of at most 18 digits.
    static func decimal(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return nil
        }
        return Int(text)
    }

    /// Visible characters, spaces, tabs and obs-text; no control characters.
    private static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }

        guard let first = bytes.firstIndex(where: { !isBlank($0) }) else {
            return bytes[bytes.endIndex...]
        }
        // Force unwrap: a non-blank byte exists, so lastIndex finds one.
        let last = bytes.lastIndex(where: { !isBlank($0) })!
        return bytes[first...last]
    }
}
