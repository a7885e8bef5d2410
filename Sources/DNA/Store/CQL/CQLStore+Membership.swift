import CQL

extension CQLStore {
    // MARK: Membership

    public func upsertMember(_ member: MemberRecord) async throws {
        _ = try await run(
            statements.upsertMember,
            [
                .text(member.cluster), .text(member.node.description), .text(member.address),
                .text(member.httpAddress), .bigint(member.heartbeat), .bigint(Int64(member.load)),
                .bigint(Int64(member.residentActors)), .boolean(member.draining),
            ]
        )
    }

    public func listMembers(cluster: String) async throws -> [MemberRecord] {
        var members: [MemberRecord] = []
        var pagingState: [UInt8]?
        repeat {
            let rows = try await run(statements.listMembers, [.text(cluster)], pageSize: 1000, pagingState: pagingState)
                .rows
            for row in rows.rows {
                members.append(try Self.member(row, cluster: cluster))
            }
            pagingState = rows.pagingState
        } while pagingState != nil
        return members
    }

    public func deleteMember(cluster: String, node: NodeID) async throws {
        _ = try await run(statements.deleteMember, [.text(cluster), .text(node.description)])
    }

    private static func member(_ row: CQLRow, cluster: String) throws -> MemberRecord {
        do {
            guard let text = try row.decode(String.self, "node"), let node = NodeID(text) else {
                throw DNAError(.corruptData, "a membership row of cluster \(cluster) has a malformed node id")
            }
            return MemberRecord(
                cluster: cluster,
                node: node,
                address: try row.decode(String.self, "address") ?? "",
                httpAddress: try row.decode(String.self, "http_address") ?? "",
                heartbeat: try row.decode(Int64.self, "heartbeat") ?? 0,
                load: try row.decode(Int.self, "load") ?? 0,
                residentActors: try row.decode(Int.self, "resident_actors") ?? 0,
                draining: try row.decode(Bool.self, "draining") ?? false
            )
        } catch let error as CQLClientError {
            throw DNAError(.corruptData, "a membership row of cluster \(cluster) does not decode: \(error.message)")
        }
    }
}
