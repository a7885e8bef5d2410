extension SQLiteStore {
    // MARK: Membership

    public func upsertMember(_ member: MemberRecord) async throws {
        try await write { connection in
            let statement = try connection.statement(SQLiteStatements.upsertMember)
            statement.bind(1, member.cluster)
            statement.bind(2, member.node.description)
            statement.bind(3, member.address)
            statement.bind(4, member.httpAddress)
            statement.bind(5, member.heartbeat)
            statement.bind(6, Int64(member.load))
            statement.bind(7, Int64(member.residentActors))
            statement.bind(8, Int64(member.draining ? 1 : 0))
            try statement.run()
        }
    }

    public func listMembers(cluster: String) async throws -> [MemberRecord] {
        try await read { connection in
            let statement = try connection.statement(SQLiteStatements.listMembers)
            defer { statement.reset() }
            statement.bind(1, cluster)
            var members: [MemberRecord] = []
            while try statement.step() {
                guard let text = statement.text(0), let node = NodeID(text) else {
                    throw DNAError(.corruptData, "a membership row of cluster \(cluster) has a malformed node id")
                }
                members.append(
                    MemberRecord(
                        cluster: cluster,
                        node: node,
                        address: statement.text(1) ?? "",
                        httpAddress: statement.text(2) ?? "",
                        heartbeat: statement.int64(3),
                        load: Int(statement.int64(4)),
                        residentActors: Int(statement.int64(5)),
                        draining: statement.int64(6) != 0
                    )
                )
            }
            return members
        }
    }

    public func deleteMember(cluster: String, node: NodeID) async throws {
        try await write { connection in
            let statement = try connection.statement(SQLiteStatements.deleteMember)
            statement.bind(1, cluster)
            statement.bind(2, node.description)
            try statement.run()
        }
    }

    // MARK: Directory

    public func owner(of name: ActorName) async throws -> Ownership? {
        try await read { connection in try Self.readOwner(name, on: connection) }
    }

    public func claim(_ name: ActorName, for node: NodeID) async throws -> Ownership {
        try await write { connection in
            let statement = try connection.statement(SQLiteStatements.claim)
            statement.bind(1, name: name)
            statement.bind(4, node.description)
            try statement.run()
            guard let owner = try Self.readOwner(name, on: connection) else {
                throw DNAError(.corruptData, "the directory row of \(name) has no owner right after a claim")
            }
            return owner
        }
    }

    public func reclaim(_ name: ActorName, from previous: NodeID, to node: NodeID) async throws -> Ownership? {
        try await write { connection in
            let statement = try connection.statement(SQLiteStatements.reclaim)
            statement.bind(1, name: name)
            statement.bind(4, node.description)
            statement.bind(5, previous.description)
            try statement.run()
            return try Self.readOwner(name, on: connection)
        }
    }

    public func release(_ name: ActorName, owner node: NodeID) async throws -> Bool {
        try await write { connection in
            let statement = try connection.statement(SQLiteStatements.release)
            statement.bind(1, name: name)
            statement.bind(4, node.description)
            try statement.run()
            return connection.changes > 0
        }
    }

    private static func readOwner(_ name: ActorName, on connection: SQLiteConnection) throws -> Ownership? {
        let statement = try connection.statement(SQLiteStatements.owner)
        // A statement left on a row keeps its read transaction open, and with it an old snapshot of the file.
        defer { statement.reset() }
        statement.bind(1, name: name)
        guard try statement.step(), !statement.isNull(0) else {
            return nil
        }
        guard let text = statement.text(0), let node = NodeID(text) else {
            throw DNAError(.corruptData, "the directory row of \(name) has a malformed owner")
        }
        return Ownership(node: node, epoch: statement.int64(1))
    }

    // MARK: Items

    public func get(_ name: ActorName, module: String, key: String) async throws -> [UInt8]? {
        try await read { connection in
            let statement = try connection.statement(SQLiteStatements.getItem)
            defer { statement.reset() }
            statement.bind(1, name: name)
            statement.bind(4, module)
            statement.bind(5, key)
            guard try statement.step() else {
                return nil
            }
            return statement.blob(0)
        }
    }

    public func list(_ name: ActorName, module: String, query: ListQuery) async throws -> [StoredItem] {
        try await read { connection in
            let statement = try connection.statement(SQLiteStatements.listItems(query))
            defer { statement.reset() }
            statement.bind(1, name: name)
            statement.bind(4, module)
            statement.bind(5, query.lowerBound)
            statement.bind(6, query.upperBound)
            statement.bind(7, query.after)
            statement.bind(8, Int64(max(0, query.limit)))
            var items: [StoredItem] = []
            while try statement.step() {
                guard let key = statement.text(0) else {
                    throw DNAError(.corruptData, "an item of \(name) has no key")
                }
                items.append(StoredItem(key: key, value: statement.blob(1)))
            }
            return items
        }
    }

    public func mutate(_ name: ActorName, fence: Ownership, writes: [StoredWrite]) async throws {
        try await write { connection in
            guard try Self.readOwner(name, on: connection) == fence else {
                throw DNAError(.fenced, "\(name) is no longer owned by \(fence)")
            }
            let upsert = try connection.statement(SQLiteStatements.upsertItem)
            upsert.bind(1, name: name)
            let delete = try connection.statement(SQLiteStatements.deleteItem)
            delete.bind(1, name: name)
            // The runtime hands writes over in key order, which touches each B-tree page once.
            for write in writes {
                if let value = write.value {
                    upsert.reset()
                    upsert.bind(4, write.module)
                    upsert.bind(5, write.key)
                    upsert.bind(6, blob: value)
                    try upsert.run()
                } else {
                    delete.reset()
                    delete.bind(4, write.module)
                    delete.bind(5, write.key)
                    try delete.run()
                }
            }
        }
    }
}
