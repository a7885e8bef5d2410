extension PostgresStore {
    // MARK: Membership

    public func upsertMember(_ member: MemberRecord) async throws {
        var parameters = PostgresParameters()
        try parameters.append(member.cluster)
        try parameters.append(member.node.description)
        try parameters.append(member.address)
        try parameters.append(member.httpAddress)
        parameters.append(member.heartbeat)
        parameters.append(Int64(member.load))
        parameters.append(Int64(member.residentActors))
        parameters.append(member.draining)
        try await pool.run(.upsertMember, parameters) { _ in }
    }

    public func listMembers(cluster: String) async throws -> [MemberRecord] {
        var parameters = PostgresParameters()
        try parameters.append(cluster)
        return try await pool.run(.listMembers, parameters) { result throws(DNAError) in
            var members: [MemberRecord] = []
            for row in 0..<result.rowCount {
                guard let text = result.text(row, 0), let node = NodeID(text) else {
                    throw DNAError(.corruptData, "a membership row of cluster \(cluster) has a malformed node id")
                }
                members.append(
                    MemberRecord(
                        cluster: cluster,
                        node: node,
                        address: result.text(row, 1) ?? "",
                        httpAddress: result.text(row, 2) ?? "",
                        heartbeat: try result.int64(row, 3),
                        load: Int(truncatingIfNeeded: try result.int64(row, 4)),
                        residentActors: Int(truncatingIfNeeded: try result.int64(row, 5)),
                        draining: try result.bool(row, 6)
                    )
                )
            }
            return members
        }
    }

    public func deleteMember(cluster: String, node: NodeID) async throws {
        var parameters = PostgresParameters()
        try parameters.append(cluster)
        try parameters.append(node.description)
        try await pool.run(.deleteMember, parameters) { _ in }
    }

    // MARK: Directory

    public func owner(of name: ActorName) async throws -> Ownership? {
        var parameters = PostgresParameters()
        try parameters.append(name: name)
        return try await pool.run(.owner, parameters) { result throws(DNAError) in
            guard result.rowCount == 1, !result.isNull(0, 0) else {
                return nil
            }
            return try Self.ownership(result, of: name)
        }
    }

    public func claim(_ name: ActorName, for node: NodeID) async throws -> Ownership {
        var parameters = PostgresParameters()
        try parameters.append(name: name)
        try parameters.append(node.description)
        return try await pool.run(.claim, parameters) { result throws(DNAError) in
            guard result.rowCount == 1 else {
                throw DNAError(.corruptData, "the claim of \(name) returned \(result.rowCount) rows")
            }
            return try Self.ownership(result, of: name)
        }
    }

    public func reclaim(_ name: ActorName, from previous: NodeID, to node: NodeID) async throws -> Ownership? {
        var parameters = PostgresParameters()
        try parameters.append(name: name)
        try parameters.append(node.description)
        try parameters.append(previous.description)
        return try await pool.run(.reclaim, parameters) { result throws(DNAError) in
            guard result.rowCount == 1 else {
                return nil
            }
            return try Self.ownership(result, of: name)
        }
    }

    public func release(_ name: ActorName, owner node: NodeID) async throws -> Bool {
        var parameters = PostgresParameters()
        try parameters.append(name: name)
        try parameters.append(node.description)
        return try await pool.run(.release, parameters) { result in result.affectedRows > 0 }
    }

    /// The owner and epoch in the first row of `result`.
    private static func ownership(_ result: PostgresResult, of name: ActorName) throws(DNAError) -> Ownership {
        guard let text = result.text(0, 0), let node = NodeID(text) else {
            throw DNAError(.corruptData, "the directory row of \(name) has a malformed owner")
        }
        return Ownership(node: node, epoch: try result.int64(0, 1))
    }

    // MARK: Items

    public func get(_ name: ActorName, module: String, key: String) async throws -> [UInt8]? {
        var parameters = PostgresParameters()
        try parameters.append(name: name)
        try parameters.append(module)
        try parameters.append(key)
        return try await pool.run(.getItem, parameters) { result throws(DNAError) in
            guard result.rowCount > 0 else {
                return nil
            }
            guard let value = result.bytes(0, 0) else {
                throw DNAError(.corruptData, "an item of \(name) has a NULL value")
            }
            return value
        }
    }

    public func list(_ name: ActorName, module: String, query: ListQuery) async throws -> [StoredItem] {
        guard query.limit > 0 else {
            return []
        }
        // The cursor replaces the lower bound when it is at or past it: one bound, inclusive or exclusive.
        let resumes = query.after.map { after in query.lowerBound.map { !KeyOrder.less(after, $0) } ?? true } ?? false
        let statement: PostgresStatement =
            switch (resumes, query.upperBound != nil) {
            case (false, false): .listFrom
            case (false, true): .listFromBefore
            case (true, false): .listAfter
            case (true, true): .listAfterBefore
            }
        var parameters = PostgresParameters()
        try parameters.append(name: name)
        try parameters.append(module)
        try parameters.append(resumes ? query.after ?? "" : query.lowerBound ?? "")
        parameters.append(Int64(query.limit))
        if let upperBound = query.upperBound {
            try parameters.append(upperBound)
        }
        return try await pool.run(statement, parameters) { result throws(DNAError) in
            var items: [StoredItem] = []
            items.reserveCapacity(result.rowCount)
            for row in 0..<result.rowCount {
                guard let key = result.text(row, 0), let value = result.bytes(row, 1) else {
                    throw DNAError(.corruptData, "an item of \(name) has no key or no value")
                }
                items.append(StoredItem(key: key, value: value))
            }
            return items
        }
    }

    public func mutate(_ name: ActorName, fence: Ownership, writes: [StoredWrite]) async throws {
        var queries: [PostgresQuery] = []
        for chunk in Self.chunks(of: Self.lastWritePerKey(writes)) {
            var parameters = PostgresParameters(reservingCapacity: 64 + chunk.count * 32)
            try parameters.append(name: name)
            try parameters.append(fence.node.description)
            parameters.append(fence.epoch)
            let sets = chunk.filter { $0.value != nil }
            let deletes = chunk.filter { $0.value == nil }
            try parameters.appendTextArray(sets) { $0.module }
            try parameters.appendTextArray(sets) { $0.key }
            parameters.appendByteaArray(sets) { $0.value ?? [] }
            try parameters.append(deletes.first?.module ?? "")  // one module per statement: see `chunks`
            try parameters.appendTextArray(deletes) { $0.key }
            queries.append(PostgresQuery(statement: .mutate, parameters: parameters))
        }

        // Every statement checks the fence; the first one's answer holds for all, since it locks the row.
        let applied = try await pool.run(queries) { results throws(DNAError) in
            try results[0].int64(0, 0) == 1  // at least one statement: `chunks` never returns none
        }
        guard applied else {
            throw DNAError(.fenced, "\(name) is no longer owned by \(fence)")
        }
    }

    /// The writes with only the last one of each key kept, in key order.
    ///
    /// One statement may not touch a row twice, and keys in index order visit the table's pages in sequence.
    static func lastWritePerKey(_ writes: [StoredWrite]) -> [StoredWrite] {
        guard writes.count > 1 else {
            return writes
        }
        let order = writes.indices.sorted { left, right in
            let (a, b) = (writes[left], writes[right])
            if a.module != b.module {
                return KeyOrder.less(a.module, b.module)
            }
            if a.key != b.key {
                return KeyOrder.less(a.key, b.key)
            }
            return left < right
        }
        var kept: [StoredWrite] = []
        kept.reserveCapacity(writes.count)
        for index in order {
            let write = writes[index]
            if let last = kept.last, last.module == write.module, last.key == write.key {
                kept[kept.count - 1] = write
            } else {
                kept.append(write)
            }
        }
        return kept
    }

    /// The writes cut into statements of at most ``rowsPerStatement`` rows and about ``bytesPerStatement``
    /// bytes of values, whose deletes all belong to one module; always at least one statement, so that even an
    /// empty flush checks its fence. The writes come sorted by module, so a flush of one module's writes
    /// (the usual case) needs one statement per ``rowsPerStatement`` rows.
    static func chunks(of writes: [StoredWrite]) -> [ArraySlice<StoredWrite>] {
        var chunks: [ArraySlice<StoredWrite>] = []
        var start = writes.startIndex
        var bytes = 0
        var deleteModule: String?
        for index in writes.indices {
            let write = writes[index]
            let size = write.value?.count ?? 0
            let otherModule = write.value == nil && deleteModule != nil && deleteModule != write.module
            if index > start, index - start >= rowsPerStatement || bytes + size > bytesPerStatement || otherModule {
                chunks.append(writes[start..<index])
                start = index
                bytes = 0
                deleteModule = nil
            }
            bytes += size
            if write.value == nil {
                deleteModule = write.module
            }
        }
        chunks.append(writes[start...])
        return chunks
    }
}
