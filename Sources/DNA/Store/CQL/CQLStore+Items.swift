import CQL

extension CQLStore {
    /// The most statements a CQL batch can hold (its count is a 16-bit field).
    static let maximumBatchStatements = Int(UInt16.max)

    /// How many compare-and-set rounds moving a fence may take.
    static let fenceRounds = 8

    // MARK: Items

    public func get(_ name: ActorName, module: String, key: String) async throws -> [UInt8]? {
        let rows = try await run(statements.getItem, Self.nameValues(name) + [.text(module), .text(key)]).rows
        guard let row = rows.first else {
            return nil
        }
        return try Self.decode([UInt8].self, "value", in: row, of: name) ?? []
    }

    public func list(_ name: ActorName, module: String, query: ListQuery) async throws -> [StoredItem] {
        guard query.limit > 0 else {
            return []
        }
        let lower = ListLowerBound(query)
        let text = statements.listItems(lower: lower, hasUpper: query.upperBound != nil)
        var values = Self.nameValues(name) + [.text(module)]
        if let bound = lower.value {
            values.append(.text(bound))
        }
        if let upper = query.upperBound {
            values.append(.text(upper))
        }
        values.append(.int(Int32(clamping: query.limit)))

        var items: [StoredItem] = []
        var pagingState: [UInt8]?
        repeat {
            let pageSize = Int32(clamping: min(query.limit - items.count, 1000))
            let rows = try await run(text, values, pageSize: pageSize, pagingState: pagingState).rows
            for row in rows.rows where items.count < query.limit {
                guard let key = try Self.decode(String.self, "item", in: row, of: name) else {
                    throw DNAError(.corruptData, "an item of \(name) has no key")
                }
                items.append(
                    StoredItem(key: key, value: try Self.decode([UInt8].self, "value", in: row, of: name) ?? [])
                )
            }
            pagingState = rows.pagingState
        } while pagingState != nil && items.count < query.limit
        return items
    }

    public func mutate(_ name: ActorName, fence: Ownership, writes: [StoredWrite]) async throws {
        guard writes.count < Self.maximumBatchStatements else {
            throw DNAError(.limitExceeded, "a flush of \(writes.count) writes does not fit one CQL batch")
        }
        let itemStatements = try await writeStatements(name, writes)
        if settings.fencedFlush {
            try await fencedFlush(name, fence: fence, items: itemStatements)
        } else {
            try await checkedFlush(name, fence: fence, items: itemStatements)
        }
    }

    private func writeStatements(_ name: ActorName, _ writes: [StoredWrite]) async throws -> [CQLBatchEntry] {
        let upsert: CQLPreparedStatement
        let delete: CQLPreparedStatement
        do {
            upsert = try await client.prepare(statements.upsertItem)
            delete = try await client.prepare(statements.deleteItem)
        } catch {
            throw Self.storeError(error)
        }
        let nameValues = Self.nameValues(name)
        return writes.map { write in
            if let value = write.value {
                return .prepared(upsert, nameValues + [.text(write.module), .text(write.key), .blob(value)])
            }
            return .prepared(delete, nameValues + [.text(write.module), .text(write.key)])
        }
    }

    /// The default flush: a plain read of the directory, then one unlogged batch in the instance's partition,
    /// with a client timestamp that rises within the process.
    private func checkedFlush(_ name: ActorName, fence: Ownership, items: [CQLBatchEntry]) async throws {
        let rows = try await run(statements.owner, Self.nameValues(name)).rows
        let owner = try rows.first.flatMap { try Self.ownership(in: $0, of: name) }
        guard owner == fence else {
            throw DNAError(.fenced, "\(name) is no longer owned by \(fence)")
        }
        guard !items.isEmpty else {
            return
        }
        do {
            let options = CQLStatementOptions(defaultTimestamp: timestamps.next(), isIdempotent: true)
            _ = try await client.batch(.unlogged, items, options: options)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// The fenced flush: one conditional batch on the partition's static fence. A partition whose fence is
    /// behind the claim's epoch has it raised first, after a serial read of the directory confirms the claim.
    private func fencedFlush(_ name: ActorName, fence: Ownership, items: [CQLBatchEntry]) async throws {
        let swap = try await prepared(statements.swapFence)
        let nameValues = Self.nameValues(name)
        let check = CQLBatchEntry.prepared(swap, [.bigint(fence.epoch)] + nameValues + [.bigint(fence.epoch)])

        for _ in 0..<Self.fenceRounds {
            let result: ConditionalResult
            do {
                let options = CQLStatementOptions(
                    consistency: settings.consistency,
                    serialConsistency: settings.serialConsistency
                )
                result = try Self.outcome(of: try await client.batch(.unlogged, [check] + items, options: options).rows)
            } catch let error as CQLServerError where error.isUnknownConditionalOutcome {
                throw DNAError(.storeUnavailable, "a fenced flush of \(name) timed out in Paxos; it is safe to retry")
            } catch let error as DNAError {
                throw error
            } catch {
                throw Self.storeError(error)
            }

            guard case .notApplied(let row) = result else {
                return
            }
            let current = try Self.decode(Int64.self, "fence", in: row, of: name)
            if let current, current > fence.epoch {
                throw DNAError(.fenced, "\(name) was claimed again (epoch \(current)) after \(fence)")
            }
            guard try await readDirectory(name).owner == fence else {
                throw DNAError(.fenced, "\(name) is no longer owned by \(fence)")
            }
            // The claim normally raised the fence; this covers a claim whose raise did not finish.
            _ = try await raiseFence(name, to: fence.epoch, from: current)
        }
        throw DNAError(.storeUnavailable, "the fence of \(name) did not settle; giving up")
    }

    /// With fenced flushes on, moves the fence of a name's item partition up to a new claim's epoch, so that
    /// a flush of any earlier claim fails from now on. A fence already at or past `epoch` is left alone.
    func raiseFenceIfEnabled(_ name: ActorName, to epoch: Int64) async throws {
        guard settings.fencedFlush else {
            return
        }
        var current: Int64?
        for _ in 0..<Self.fenceRounds {
            if let current, current >= epoch {
                return
            }
            switch try await raiseFence(name, to: epoch, from: current) {
            case .applied:
                return
            case .notApplied(let row):
                current = try Self.decode(Int64.self, "fence", in: row, of: name)
            case .unknown:
                continue
            }
        }
        throw DNAError(.storeUnavailable, "the fence of \(name) did not settle; giving up")
    }

    /// Moves a partition's fence from `current` (or from nothing) to `epoch`.
    private func raiseFence(_ name: ActorName, to epoch: Int64, from current: Int64?) async throws -> ConditionalResult
    {
        let nameValues = Self.nameValues(name)
        if let current {
            return try await conditional(statements.swapFence, [.bigint(epoch)] + nameValues + [.bigint(current)])
        }
        return try await conditional(statements.initialFence, [.bigint(epoch)] + nameValues)
    }

    private func prepared(_ text: String) async throws -> CQLPreparedStatement {
        do {
            return try await client.prepare(text)
        } catch {
            throw Self.storeError(error)
        }
    }
}
