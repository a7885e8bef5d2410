/// Hides the password of a libpq connection string, in both of libpq's forms.
///
/// Only the text is rewritten: libpq itself parses the string when connecting. What is not recognisably a
/// password is left as it was, so that a description still says which server and database a store uses.
enum PostgresConnectionString {
    /// The string with the password of its URI user part, its `password` query parameter or its `password`
    /// key/value pair replaced by `***`.
    static func redacted(_ text: String) -> String {
        if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
            return redactedURI(text)
        }
        return redactedPairs(text)
    }

    /// Replaces `secret` wherever it occurs in `message`, for messages that might quote the connection string.
    static func scrub(_ message: String, secrets: [String]) -> String {
        var message = message
        for secret in secrets where !secret.isEmpty {
            message = message.replacing(secret, with: "***")
        }
        return message
    }

    private static func redactedURI(_ text: String) -> String {
        let scheme = text.range(of: "://")!  // present: checked by the caller's prefix test
        var rest = text[scheme.upperBound...]
        var result = String(text[..<scheme.upperBound])

        // The authority ends at the first "/" or "?"; its user part ends at its last "@".
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            let user = authority[..<at]
            if let colon = user.firstIndex(of: ":") {
                result += user[..<colon] + ":***"
            } else {
                result += user
            }
            result += authority[at...]
        } else {
            result += authority
        }
        rest = rest[authorityEnd...]

        guard let question = rest.firstIndex(of: "?") else {
            return result + rest
        }
        result += rest[...question]
        let parameters = rest[rest.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false)
        result += parameters.map { parameter in
            parameter.lowercased().hasPrefix("password=") ? "password=***" : String(parameter)
        }
        .joined(separator: "&")
        return result
    }

    /// Key/value form: `password = value`, where the value may be single-quoted with backslash escapes.
    private static func redactedPairs(_ text: String) -> String {
        var result = ""
        var index = text.startIndex
        while let found = text[index...].range(of: "password") {
            result += text[index..<found.upperBound]
            var cursor = found.upperBound
            while cursor < text.endIndex, text[cursor] == " " {
                result.append(" ")
                cursor = text.index(after: cursor)
            }
            let isKey = found.lowerBound == text.startIndex || text[text.index(before: found.lowerBound)] == " "
            guard isKey, cursor < text.endIndex, text[cursor] == "=" else {
                index = cursor
                continue
            }
            result += "="
            let valueStart = skipSpaces(text, from: text.index(after: cursor))
            result += text[text.index(after: cursor)..<valueStart]
            cursor = valueStart
            cursor = endOfValue(text, from: cursor)
            result += "***"
            index = cursor
        }
        return result + text[index...]
    }

    private static func skipSpaces(_ text: String, from start: String.Index) -> String.Index {
        var cursor = start
        while cursor < text.endIndex, text[cursor] == " " {
            cursor = text.index(after: cursor)
        }
        return cursor
    }

    private static func endOfValue(_ text: String, from start: String.Index) -> String.Index {
        var cursor = start
        guard cursor < text.endIndex, text[cursor] == "'" else {
            while cursor < text.endIndex, text[cursor] != " " {
                cursor = text.index(after: cursor)
            }
            return cursor
        }
        cursor = text.index(after: cursor)
        while cursor < text.endIndex, text[cursor] != "'" {
            if text[cursor] == "\\" {
                cursor = text.index(after: cursor)
                guard cursor < text.endIndex else {
                    break
                }
            }
            cursor = text.index(after: cursor)
        }
        return cursor < text.endIndex ? text.index(after: cursor) : cursor
    }
}
