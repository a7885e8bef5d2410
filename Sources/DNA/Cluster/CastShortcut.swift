import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The instance that the last forwarded cast went to, found again by the bytes of the cast's routing header.
///
/// A stream of casts from one sender into one actor repeats one header (kind, hops, target node, name) in
/// every frame. Comparing those bytes with the header of the last cast delivered finds the instance without
/// decoding the name, hashing it, or taking its partition's lock. A cast whose header differs, or whose
/// instance is gone or refuses it, takes the full path, which remembers its own header and instance. The
/// instance is held weakly: a remembered instance does not outlive its passivation.
final class CastShortcut: Sendable {
    /// Queues an encoded cast on one instance; `false` when the instance is gone or refused it. Made where the
    /// actor type is known, so that it runs the admission code specialised for that type.
    typealias Delivery = @Sendable (ArraySlice<UInt8>) -> Bool

    private struct Entry {
        var header: [UInt8]
        var delivery: Delivery
    }

    private let entry = Mutex<Entry?>(nil)

    init() {}

    /// Queues the cast in `payload` on the remembered instance if the payload starts with its header.
    ///
    /// - Returns: Whether the instance took the cast; when `false`, nothing happened.
    func deliver(_ payload: [UInt8]) -> Bool {
        let match = entry.withLock { entry -> (delivery: Delivery, headerSize: Int)? in
            guard let entry, Self.payload(payload, startsWith: entry.header) else {
                return nil
            }
            return (entry.delivery, entry.header.count)
        }
        guard let match else {
            return false
        }
        return match.delivery(payload[match.headerSize...])
    }

    /// Remembers that casts with this header go through `delivery`.
    func remember(header: ArraySlice<UInt8>, delivery: @escaping Delivery) {
        entry.withLock { $0 = Entry(header: Array(header), delivery: delivery) }
    }

    private static func payload(_ payload: [UInt8], startsWith header: [UInt8]) -> Bool {
        guard payload.count > header.count else {
            return false
        }
        return payload.withUnsafeBytes { payload in
            header.withUnsafeBytes { header in
                // Both are non-empty: a header holds at least the kind byte and the payload is longer.
                memcmp(payload.baseAddress!, header.baseAddress!, header.count) == 0
            }
        }
    }
}
