@testable import DNA

/// Starting nodes for tests.
enum TestNodes {
    /// Starts a node on `store` running the test actors, with settings that make failures show quickly.
    static func start(
        store: StoreConfiguration = .memory,
        types: [any DurableActor.Type] = [Ledger.self],
        configure: (inout Node.Configuration) -> Void = { _ in }
    ) async throws -> Node {
        var configuration = Node.Configuration(store: store)
        // A broken output gate shows as a timed-out call rather than a hung suite.
        configuration.callTimeout = .seconds(10)
        configuration.flushRetry = FlushRetryPolicy(attempts: 3, initialBackoff: .milliseconds(1))
        configure(&configuration)
        return try await Node.start(configuration, actorTypes: types)
    }

    /// The local instance of `Ledger` with `key`, which must already be running.
    static func instance(of key: String, on node: Node) throws -> ActorInstance<Ledger> {
        let name = ActorName(type: Ledger.type, key: key)
        let (instance, created) = try node.runtime.instance(for: name, as: Ledger.self)
        // A created instance would hold a run token nobody uses: tests activate the actor first.
        precondition(!created, "activate \(key) before asking for its instance")
        return instance
    }
}
