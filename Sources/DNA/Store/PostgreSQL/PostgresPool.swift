import Foundation

/// The connections of a ``PostgresStore``: a fixed number of lanes, each a connection with a thread of its own.
///
/// An operation goes to the lane with the fewest unfinished jobs. Its results are decoded on that lane's
/// thread, and only the decoded value crosses back to the awaiting task, so no libpq call or libpq memory ever
/// reaches Swift's cooperative pool.
final class PostgresPool: Sendable {
    private let lanes: [PostgresLane]

    init(configuration: PostgresConfiguration, schema: String?) {
        lanes = (0..<configuration.connections).map { index in
            PostgresLane(name: "dna-postgres-\(index)", configuration: configuration, schema: schema)
        }
    }

    /// Runs `queries` as one transaction on one connection and decodes their results there.
    ///
    /// - Parameters:
    ///   - queries: The statements, in order.
    ///   - decode: Turns the statements' results (one each) into the value returned; runs on the lane's thread.
    /// - Throws: ``DNAError/Code/storeUnavailable`` when the connection or a statement failed, or what `decode`
    ///   throws.
    func run<Value: Sendable>(
        _ queries: [PostgresQuery],
        decode: @escaping @Sendable ([PostgresResult]) throws(DNAError) -> Value
    ) async throws -> Value {
        let lane = leastBusyLane()
        return try await withUnsafeThrowingContinuation { continuation in
            let job = PostgresJob(queries: queries) { outcome in
                do throws(DNAError) {
                    continuation.resume(returning: try decode(try outcome.get()))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            if !lane.submit(job) {
                continuation.resume(throwing: DNAError(.storeUnavailable, "the PostgreSQL store is closed"))
            }
        }
    }

    /// Runs one statement; see ``run(_:decode:)``.
    func run<Value: Sendable>(
        _ statement: PostgresStatement,
        _ parameters: PostgresParameters,
        decode: @escaping @Sendable (PostgresResult) throws(DNAError) -> Value
    ) async throws -> Value {
        try await run([PostgresQuery(statement: statement, parameters: parameters)]) { results throws(DNAError) in
            try decode(results[0])  // one result per query: checked by the lane
        }
    }

    /// Connects every lane, so that a wrong configuration shows at once rather than on first use.
    func connectAll() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in lanes {
                group.addTask {
                    try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                        let probe = PostgresJob(queries: []) { continuation.resume(with: $0.map { _ in () }) }
                        if !lane.submit(probe) {
                            continuation.resume(throwing: DNAError(.storeUnavailable, "the PostgreSQL store is closed"))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Finishes queued operations and closes every connection, on a thread of its own so that a lane waiting
    /// for a slow server does not hold a thread of the cooperative pool.
    func close() async {
        let lanes = lanes
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let closer = Thread {
                for lane in lanes {
                    lane.close()
                }
                continuation.resume()
            }
            closer.name = "dna-postgres-close"
            closer.start()
        }
    }

    private func leastBusyLane() -> PostgresLane {
        var best = lanes[0]
        var bestPending = best.pending
        for lane in lanes.dropFirst() where bestPending > 0 {
            let pending = lane.pending
            if pending < bestPending {
                best = lane
                bestPending = pending
            }
        }
        return best
    }
}
