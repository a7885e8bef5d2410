import CQL

extension CQLStore {
    /// How many rounds a directory operation makes before giving up under contention.
    static let directoryRounds = 8

    /// What a lightweight transaction came to.
    enum ConditionalResult {
        case applied
        /// Not applied; the row the server returned with it (ScyllaDB: the old values; Cassandra: the
        /// current values of the condition's columns, or nothing for a missing row).
        case notApplied(CQLRow)
        /// The Paxos round timed out or its connection was lost: it may or may not have been applied.
        case unknown
    }

    // MARK: Directory

    public func owner(of name: ActorName) async throws -> Ownership? {
        try await readDirectory(name).owner
    }

    public func claim(_ name: ActorName, for node: NodeID) async throws -> Ownership {
        let owner = try await claimInDirectory(name, for: node)
        if owner.node == node {
            try await raiseFenceIfEnabled(name, to: owner.epoch)
        }
        return owner
    }

    private func claimInDirectory(_ name: ActorName, for node: NodeID) async throws -> Ownership {
        for _ in 0..<Self.directoryRounds {
            let row = try await readDirectory(name)
            if let owner = row.owner {
                return owner
            }

            let won = Ownership(node: node, epoch: row.epoch + 1)
            let result: ConditionalResult
            if row.exists {
                result = try await conditional(
                    statements.claimReleased,
                    [.text(node.description), .bigint(won.epoch)] + Self.nameValues(name) + [.bigint(row.epoch)]
                )
            } else {
                result = try await conditional(
                    statements.claimNew,
                    Self.nameValues(name) + [.text(node.description), .bigint(won.epoch)]
                )
            }

            switch result {
            case .applied:
                return won
            case .notApplied(let current):
                if let owner = try Self.ownership(in: current, of: name) {
                    return owner
                }
            case .unknown:
                // A serial read finishes any Paxos round in progress, so what it sees is settled.
                if let owner = try await readDirectory(name).owner {
                    return owner
                }
            }
        }
        throw DNAError(.storeUnavailable, "the claim of \(name) kept losing races; giving up")
    }

    public func reclaim(_ name: ActorName, from previous: NodeID, to node: NodeID) async throws -> Ownership? {
        let owner = try await reclaimInDirectory(name, from: previous, to: node)
        if let owner, owner.node == node {
            try await raiseFenceIfEnabled(name, to: owner.epoch)
        }
        return owner
    }

    private func reclaimInDirectory(
        _ name: ActorName,
        from previous: NodeID,
        to node: NodeID
    ) async throws -> Ownership? {
        for _ in 0..<Self.directoryRounds {
            let row = try await readDirectory(name)
            guard let owner = row.owner else {
                return nil
            }
            guard owner.node == previous else {
                return owner
            }

            let won = Ownership(node: node, epoch: row.epoch + 1)
            let result = try await conditional(
                statements.reclaim,
                [.text(node.description), .bigint(won.epoch)] + Self.nameValues(name)
                    + [.text(previous.description), .bigint(row.epoch)]
            )
            switch result {
            case .applied:
                return won
            case .notApplied, .unknown:
                // The next round's serial read tells who owns the name now.
                continue
            }
        }
        throw DNAError(.storeUnavailable, "the reclaim of \(name) kept losing races; giving up")
    }

    public func release(_ name: ActorName, owner node: NodeID) async throws -> Bool {
        for _ in 0..<Self.directoryRounds {
            let result = try await conditional(statements.release, Self.nameValues(name) + [.text(node.description)])
            switch result {
            case .applied:
                return true
            case .notApplied:
                return false
            case .unknown:
                // Still ours: the release did not apply, so try again. Gone: it applied (or the name was
                // reclaimed from this node, which only happens once it was declared dead).
                guard try await readDirectory(name).owner?.node == node else {
                    return true
                }
            }
        }
        throw DNAError(.storeUnavailable, "the release of \(name) did not settle; giving up")
    }

    // MARK: Helpers

    struct DirectoryRow {
        var exists: Bool
        var owner: Ownership?
        var epoch: Int64
    }

    /// Reads a name's row at serial consistency: a plain read could miss a claim still in its Paxos round.
    func readDirectory(_ name: ActorName) async throws -> DirectoryRow {
        let rows = try await run(statements.owner, Self.nameValues(name), consistency: settings.serialConsistency)
            .rows
        guard let row = rows.first else {
            return DirectoryRow(exists: false, owner: nil, epoch: 0)
        }
        let epoch = try Self.decode(Int64.self, "epoch", in: row, of: name) ?? 0
        let owner = try Self.ownership(in: row, of: name)
        return DirectoryRow(exists: true, owner: owner, epoch: epoch)
    }

    /// The owner a directory row (or a lightweight transaction's returned row) names, if any.
    static func ownership(in row: CQLRow, of name: ActorName) throws -> Ownership? {
        guard row.has("owner"), let text = try decode(String.self, "owner", in: row, of: name) else {
            return nil
        }
        guard let node = NodeID(text) else {
            throw DNAError(.corruptData, "the directory row of \(name) has a malformed owner")
        }
        return Ownership(node: node, epoch: try decode(Int64.self, "epoch", in: row, of: name) ?? 0)
    }

    static func decode<Value: CQLDecodable>(
        _ type: Value.Type,
        _ column: String,
        in row: CQLRow,
        of name: ActorName
    ) throws -> Value? {
        guard row.has(column) else {
            return nil
        }
        do {
            return try row.decode(type, column)
        } catch {
            throw DNAError(.corruptData, "the \(column) of \(name) does not decode: \(error.message)")
        }
    }

    /// Runs a lightweight transaction and sorts out its outcome.
    func conditional(_ text: String, _ values: [CQLValue]) async throws -> ConditionalResult {
        do {
            let statement = try await client.prepare(text)
            let options = CQLStatementOptions(
                consistency: settings.consistency,
                serialConsistency: settings.serialConsistency,
                isIdempotent: false
            )
            let rows = try await client.execute(statement, values, options: options).rows
            return try Self.outcome(of: rows)
        } catch let error as CQLServerError where error.isUnknownConditionalOutcome {
            return .unknown
        } catch let error as CQLClientError where error.code == .timedOut || error.code == .connectionClosed {
            return .unknown
        } catch {
            throw Self.storeError(error)
        }
    }

    static func outcome(of rows: CQLRows) throws -> ConditionalResult {
        guard let outcome = rows.conditionalOutcome else {
            throw DNAError(.storeUnavailable, "a lightweight transaction returned no [applied] column")
        }
        return outcome.applied ? .applied : .notApplied(outcome.row)
    }
}
