/// Splits and percent-decodes a request target into path and query items.
enum RequestTarget {
    /// The decoded path and query items of `target`, or `nil` when it is not
    /// a valid origin-form, absolute-form or asterisk-form target or holds a
    /// bad percent escape.
    static func decode(_ target: String) -> (path: String, query: [HTTPQueryItem])? {
        if target == "*" {
            return ("*", [])
        }

        guard let originForm = originForm(of: target) else {
            return nil
        }

        let parts = originForm.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let path = percentDecode(parts[0].utf8, plusIsSpace: false) else {
            return nil
        }
        guard parts.count == 2 else {
            return (path, [])
        }

        guard let query = decodeQuery(parts[1]) else {
            return nil
        }
        return (path, query)
    }

    /// Percent-decodes `bytes` into UTF-8 text; `nil` for a bad escape or invalid UTF-8.
    static func percentDecode(_ bytes: some Collection<UInt8>, plusIsSpace: Bool) -> String? {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)

        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            index = bytes.index(after: index)

            if byte == UInt8(ascii: "%") {
                guard index != bytes.endIndex, let high = hexValue(bytes[index]) else {
                    return nil
                }
                index = bytes.index(after: index)
                guard index != bytes.endIndex, let low = hexValue(bytes[index]) else {
                    return nil
                }
                index = bytes.index(after: index)
                decoded.append(high << 4 | low)
            } else if byte == UInt8(ascii: "+") && plusIsSpace {
                decoded.append(UInt8(ascii: " "))
            } else {
                decoded.append(byte)
            }
        }
        return String(validating: decoded, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"):
            return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"):
            return byte - UInt8(ascii: "A") + 10
        default:
            return nil
        }
    }

    /// The path-and-query part: the target itself, or what follows the
    /// authority of an absolute-form target.
    private static func originForm(of target: String) -> Substring? {
        if target.hasPrefix("/") {
            return Substring(target)
        }

        let lowered = target.lowercased()
        let schemeLength: Int
        if lowered.hasPrefix("http://") {
            schemeLength = 7
        } else if lowered.hasPrefix("https://") {
            schemeLength = 8
        } else {
            return nil
        }

        let afterScheme = target.dropFirst(schemeLength)
        guard let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) else {
            return "/"
        }

        let rest = afterScheme[slash...]
        return rest.hasPrefix("?") ? Substring("/" + rest) : rest
    }

    private static func decodeQuery(_ query: Substring) -> [HTTPQueryItem]? {
        var items: [HTTPQueryItem] = []

        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard
                let name = percentDecode(halves[0].utf8, plusIsSpace: true),
                let value = halves.count == 2 ? percentDecode(halves[1].utf8, plusIsSpace: true) : ""
            else {
                return nil
            }
            items.append(HTTPQueryItem(name: name, value: value))
        }
        return items
    }
}
