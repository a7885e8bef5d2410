/// Answers a server's SASL authentication: the first token after AUTHENTICATE, then one per AUTH_CHALLENGE.
public protocol CQLAuthenticator: Sendable {
    /// The token sent first, in answer to AUTHENTICATE naming `authenticator`.
    func initialResponse() -> [UInt8]?

    /// The token that answers a challenge.
    func evaluate(challenge: [UInt8]?) throws(CQLClientError) -> [UInt8]?
}

/// Cassandra's and ScyllaDB's `PasswordAuthenticator`: SASL PLAIN, `0x00 user 0x00 password`.
public struct PasswordAuthenticator: CQLAuthenticator, CustomStringConvertible {
    /// The class name servers report in AUTHENTICATE.
    public static let className = "org.apache.cassandra.auth.PasswordAuthenticator"

    public var username: String
    private var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public func initialResponse() -> [UInt8]? {
        [0] + Array(username.utf8) + [0] + Array(password.utf8)
    }

    public func evaluate(challenge: [UInt8]?) throws(CQLClientError) -> [UInt8]? {
        throw CQLClientError(.authenticationFailed, "PasswordAuthenticator got a SASL challenge it cannot answer")
    }

    /// Names the user, never the password.
    public var description: String { "PasswordAuthenticator(username: \(username))" }
}
