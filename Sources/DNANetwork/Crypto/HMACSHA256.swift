internal import COpenSSL

/// HMAC-SHA256 (RFC 2104) computed by OpenSSL's libcrypto.
///
/// The cluster handshake uses it to prove knowledge of the shared secret
/// without sending the secret. The key is copied once; the type is a value and
/// may be shared between threads.
public struct HMACSHA256: Sendable {
    /// The length of a tag in bytes.
    public static let tagLength = 32

    private let key: [UInt8]

    /// Creates an authenticator for `key`.
    ///
    /// - Parameter key: The secret key; any length (HMAC hashes long keys).
    public init(key: [UInt8]) {
        self.key = key
    }

    /// Computes the tag of `message`.
    ///
    /// - Parameter message: The bytes to authenticate.
    /// - Returns: The 32-byte tag.
    public func tag(for message: [UInt8]) -> [UInt8] {
        var tag = [UInt8](repeating: 0, count: Self.tagLength)
        var length: UInt32 = 0

        let result = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                tag.withUnsafeMutableBufferPointer { tagBytes in
                    HMAC(
                        EVP_sha256(),
                        keyBytes.baseAddress,
                        Int32(keyBytes.count),
                        messageBytes.baseAddress,
                        messageBytes.count,
                        tagBytes.baseAddress,
                        &length
                    )
                }
            }
        }
        // HMAC fails only when libcrypto cannot allocate; no caller could recover from that.
        precondition(result != nil && length == UInt32(Self.tagLength), "libcrypto HMAC-SHA256 failed")
        return tag
    }

    /// Whether `tag` is the tag of `message`, compared in constant time so
    /// that timing reveals nothing about the expected tag.
    ///
    /// - Parameters:
    ///   - tag: The tag to check.
    ///   - message: The message it claims to authenticate.
    /// - Returns: `true` when the tag is valid.
    public func isValid(_ tag: [UInt8], for message: [UInt8]) -> Bool {
        let expected = self.tag(for: message)
        guard tag.count == expected.count else {
            return false
        }

        return tag.withUnsafeBytes { given in
            expected.withUnsafeBytes { wanted in
                CRYPTO_memcmp(given.baseAddress, wanted.baseAddress, wanted.count) == 0
            }
        }
    }
}
