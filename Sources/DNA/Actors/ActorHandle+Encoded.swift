extension ActorHandle {
    /// Calls the actor with a message encoded by ``BinaryEncoder`` and returns the encoded reply.
    ///
    /// This is the path of messages that arrive as bytes rather than as Swift values: bytes that are not a
    /// `Message` are refused before the actor sees them.
    ///
    /// - Throws: ``DNAError/Code/decodingFailed`` when the bytes do not decode as a `Message` or the reply
    ///   cannot be encoded, and whatever ``call(_:timeout:)`` throws.
    func call(encoded bytes: [UInt8], timeout: Duration? = nil) async throws -> [UInt8] {
        let message = try ActorTypeEntry<Actor>.decodeBinary(bytes[...], for: name)
        let reply = try await call(message, timeout: timeout)
        return try ActorTypeEntry<Actor>.encodeBinary(reply, of: name)
    }
}
