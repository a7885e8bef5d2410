/// Where a message for one name goes.
enum Route: Sendable, Equatable {
    /// This node owns the name under `ownership`: deliver to the local instance, starting it if needed.
    case local(Ownership)

    /// Forward to `node` at `address`. `ownership` is the claim the directory showed, or `nil` when the node
    /// is asked to claim a name nobody owns.
    case remote(node: NodeID, address: String, ownership: Ownership?)
}
