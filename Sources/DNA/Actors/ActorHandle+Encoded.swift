extension ActorHandle {
    /// Calls the actor with a message encoded by ``BinaryEncoder`` and returns the encoded reply.
    ///
    /// This is the path of messages that arrive as bytes (from the cluster transport, the HTTP gateway or a
    /// test) rather than as Swift values: bytes that are not a `Message` are refused before the actor sees them.
    ///
    /// - Throws: ``DNAError/Code/decodingFailed`` when the bytes do not decode as a `Message` or the reply
    ///   cannot be encoded, and whatever ``call(_:timeout:)`` throws.
    func call(encoded bytes: [UInt8], timeout: Duration? = nil) async throws -> [UInt8] {
        let message: Actor.Message
        do {
            message = try BinaryDecoder().decode(Actor.Message.self, from: bytes)
        } catch {
            throw DNAError(.decodingFailed, "a message for \(name) is not a \(Actor.Message.self)", underlying: error)
        }
        let reply = try await call(message, timeout: timeout)
        do {
            return try BinaryEncoder().encode(reply)
        } catch {
            throw DNAError(.decodingFailed, "the reply of \(name) cannot be encoded", underlying: error)
        }
    }
}
