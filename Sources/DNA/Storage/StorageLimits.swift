/// The size limits that storage modules enforce before anything reaches the store.
///
/// Every backend can hold values of these sizes; a write beyond them fails at once with
/// ``DNAError/Code/limitExceeded`` rather than at flush time, so a handler can react.
public struct StorageLimits: Sendable, Hashable {
    /// The largest item key, in UTF-8 bytes. Default 1,024.
    public var maxKeyBytes: Int

    /// The largest value, in bytes. Default 1 MiB.
    public var maxValueBytes: Int

    /// The largest module name, in UTF-8 bytes. Default 64.
    public var maxModuleNameBytes: Int

    /// Creates limits.
    public init(maxKeyBytes: Int = 1024, maxValueBytes: Int = 1 << 20, maxModuleNameBytes: Int = 64) {
        self.maxKeyBytes = maxKeyBytes
        self.maxValueBytes = maxValueBytes
        self.maxModuleNameBytes = maxModuleNameBytes
    }

    /// The default limits.
    public static let standard = StorageLimits()

    func check(key: String) throws {
        let size = key.utf8.count
        if size > maxKeyBytes {
            throw DNAError(.limitExceeded, "a key of \(size) bytes exceeds the limit of \(maxKeyBytes) bytes")
        }
    }

    func check(value: [UInt8]) throws {
        if value.count > maxValueBytes {
            throw DNAError(
                .limitExceeded,
                "a value of \(value.count) bytes exceeds the limit of \(maxValueBytes) bytes"
            )
        }
    }

    func check(module: String) throws {
        let size = module.utf8.count
        if size == 0 || size > maxModuleNameBytes {
            throw DNAError(
                .limitExceeded,
                "a module name must have 1 to \(maxModuleNameBytes) bytes, not \(size)"
            )
        }
    }
}
