/// Which items a list reads: a key range, a resume point and a limit.
///
/// Keys compare by their UTF-8 bytes (which is Unicode scalar order). The range is `[lowerBound, upperBound)`,
/// further cut to keys greater than `after` when resuming from a previous page.
public struct ListQuery: Sendable, Hashable {
    /// The smallest key included, or `nil` for no lower bound.
    public var lowerBound: String?

    /// The first key excluded, or `nil` for no upper bound.
    public var upperBound: String?

    /// Only keys strictly greater than this one: the cursor of a previous page.
    public var after: String?

    /// The largest number of items returned.
    public var limit: Int

    /// Creates a query over a range.
    public init(lowerBound: String? = nil, upperBound: String? = nil, after: String? = nil, limit: Int) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.after = after
        self.limit = limit
    }

    /// A query for the keys that start with `prefix`.
    public static func prefix(_ prefix: String, after: String? = nil, limit: Int) -> ListQuery {
        ListQuery(
            lowerBound: prefix.isEmpty ? nil : prefix,
            upperBound: Self.upperBound(ofPrefix: prefix),
            after: after,
            limit: limit
        )
    }

    /// Whether a key falls inside the query's range and after its cursor.
    public func contains(_ key: String) -> Bool {
        if let lowerBound, KeyOrder.less(key, lowerBound) {
            return false
        }
        if let upperBound, !KeyOrder.less(key, upperBound) {
            return false
        }
        if let after, !KeyOrder.less(after, key) {
            return false
        }
        return true
    }

    /// The smallest string greater than every string that starts with `prefix`, or `nil` when there is none.
    ///
    /// It is the prefix with its last scalar raised by one, skipping the surrogate range; a last scalar that
    /// cannot be raised is dropped and the one before it raised instead.
    static func upperBound(ofPrefix prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next == 0xD800 {
                next = 0xE000
            }
            if let raised = Unicode.Scalar(next) {
                scalars.append(raised)
                var result = String.UnicodeScalarView()
                result.append(contentsOf: scalars)
                return String(result)
            }
        }
        return nil
    }
}

/// The order of item keys in every store: by UTF-8 bytes.
enum KeyOrder {
    /// Whether `lhs` sorts before `rhs`.
    @inlinable
    static func less(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}
