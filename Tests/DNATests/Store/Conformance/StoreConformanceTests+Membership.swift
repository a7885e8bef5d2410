import DNA
import Testing

extension StoreConformanceTests {
    @Test("membership rows are written, replaced, listed by cluster and deleted", arguments: StoreBackend.all)
    func membership(backend: StoreBackend) async throws {
        try await backend.withStore { fixture in
            let store = fixture.store
            let cluster = "conformance-\(UInt64.random(in: 0...UInt64.max))"
            let other = cluster + "-other"
            #expect(try await store.listMembers(cluster: cluster).isEmpty)

            var rows = (1...3).map { index in
                MemberRecord(
                    cluster: cluster,
                    node: Self.node(UInt64(index)),
                    address: "127.0.0.1:\(7000 + index)",
                    httpAddress: index == 2 ? "" : "127.0.0.1:\(8000 + index)",
                    heartbeat: Int64(index),
                    load: index * 10,
                    residentActors: index * 100,
                    draining: index == 3
                )
            }
            for row in rows {
                try await store.upsertMember(row)
            }
            try await store.upsertMember(
                MemberRecord(cluster: other, node: Self.node(9), address: "elsewhere", heartbeat: 1)
            )

            rows[0].heartbeat = 42
            rows[0].load = 7
            rows[0].draining = true
            rows[0].address = "127.0.0.1:9999"
            try await store.upsertMember(rows[0])

            let listed = try await store.listMembers(cluster: cluster).sorted { $0.node < $1.node }
            #expect(listed == rows)

            try await store.deleteMember(cluster: cluster, node: rows[1].node)
            try await store.deleteMember(cluster: cluster, node: Self.node(77))
            let remaining = try await store.listMembers(cluster: cluster).map(\.node).sorted()
            #expect(remaining == [rows[0].node, rows[2].node])
            #expect(try await store.listMembers(cluster: other).map(\.node) == [Self.node(9)])
        }
    }
}
