import DNANetwork

extension NodeRuntime {
    /// Handles a message a peer forwarded: a call (answered over the same connection) or a cast.
    ///
    /// Runs on an event-loop thread: casts are decoded and queued here without blocking; calls continue in a
    /// task. Bytes that are not a DNA message are answered with an error (calls) or dropped and counted.
    func receive(_ incoming: ClusterTransport.IncomingMessage) {
        if incoming.payload.first == ClusterMessage.Kind.cast.rawValue, castQueues.isIdle,
            (try? checkServing()) != nil
        {
            RunnerStarts.beginDeferring()
            if castShortcut.deliver(incoming.payload) {
                return
            }
        }

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
            // Started at once, on the loop the call arrived on: an idle actor answers before the loop reads the
            // next frame, with no task switch and no thread of the cooperative pool; what suspends resumes on
            // the loop. A draining node waits for the answers it owes before it closes its transport.
            pendingAnswers.begin()
            Task.immediate(executorPreference: incoming.loop) {
                incoming.reply(await self.answer(message).encoded())
                self.pendingAnswers.end()
            }
        case .cast:
            RunnerStarts.beginDeferring()
            receive(cast: message, payload: incoming.payload)
        }
    }

    /// Ends a read from a peer: the runners of the instances its casts woke start now, once each.
    func didFinishRead() {
        RunnerStarts.startDeferred()
    }

    /// Runs a forwarded call here, or forwards it on, and says how it went.
    func answer(_ message: ClusterMessage) async -> ClusterReply {
        guard message.target == nodeID else {
            return .notHere
        }
        do {
            let entry = try types.entry(for: message.name.type)
            let reply = try await entry.callBinary(message.body, message.name, self, message.timeout, message.hops)
            return .reply(reply)
        } catch {
            return .failure(DNAError.wrapping(error, as: .internal, "the call to \(message.name) failed"))
        }
    }

    /// Queues a forwarded cast for its actor, here or, when this node is not the owner the sender thought, on.
    ///
    /// A cast that went straight to a resident instance makes that instance the ``CastShortcut`` for the
    /// casts that follow with the same header.
    private func receive(cast message: ClusterMessage, payload: [UInt8]) {
        do {
            let entry = try types.entry(for: message.name.type)
            if let delivery = try entry.castBinary(message.body, message.name, self, message.hops) {
                castShortcut.remember(header: payload[..<message.body.startIndex], delivery: delivery)
            }
        } catch {
            metrics.recordDroppedEvent()
        }
    }
}
