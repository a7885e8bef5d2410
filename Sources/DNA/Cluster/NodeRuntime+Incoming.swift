import DNANetwork

extension NodeRuntime {
    /// Handles a message a peer forwarded: a call (answered over the same connection) or a cast.
    ///
    /// Runs on an event-loop thread: casts are decoded and queued here without blocking; calls continue in a
    /// task. Bytes that are not a DNA message are answered with an error (calls) or dropped and counted.
    func receive(_ incoming: ClusterTransport.IncomingMessage) {
        guard let message = ClusterMessage(decoding: incoming.payload) else {
            metrics.recordMalformedMessage()
            let error = DNAError(.decodingFailed, "a peer sent bytes that are not a DNA cluster message")
            incoming.reply(ClusterReply.failure(error).encoded())
            return
        }

        switch message.kind {
        case .call:
            guard incoming.expectsReply else {
                metrics.recordMalformedMessage()
                return
            }
            pendingAnswers.begin()
            Task {
                incoming.reply(await answer(message).encoded())
                pendingAnswers.end()
            }
        case .cast:
            receive(cast: message)
        }
    }

    /// Runs a forwarded call here, or forwards it on, and says how it went.
    func answer(_ message: ClusterMessage) async -> ClusterReply {
        guard message.target == nodeID else {
            return .notHere
        }
        do {
            let entry = try types.entry(for: message.name.type)
            let reply = try await entry.call(
                binary: message.body,
                to: message.name,
                on: self,
                timeout: message.timeout,
                hops: message.hops
            )
            return .reply(reply)
        } catch {
            return .failure(DNAError.wrapping(error, as: .internal, "the call to \(message.name) failed"))
        }
    }

    /// Queues a forwarded cast for its actor, here or, when this node is not the owner the sender thought, on.
    private func receive(cast message: ClusterMessage) {
        do {
            let entry = try types.entry(for: message.name.type)
            try entry.cast(binary: message.body, to: message.name, on: self, hops: message.hops)
        } catch {
            metrics.recordDroppedEvent()
        }
    }
}
