import CQL

extension CQLStore {
    /// Creates the keyspace (with tablets off where lightweight transactions need it) and the tables when
    /// absent, waits for the nodes to agree on the schema, and checks its version.
    func prepareSchema() async throws {
        let keyspace = settings.keyspace
        let supported = client.supported
        let isScylla = supported?.entries.keys.contains { $0.hasPrefix("SCYLLA_") } ?? false
        let version = isScylla ? await scyllaVersion() : nil
        let tablets = CQLSchema.tabletsDecision(supported: isScylla ? supported : nil, version: version)

        if try await keyspaceExists(keyspace) {
            if tablets.disable, try await keyspaceUsesTablets(keyspace) {
                logger.warning(
                    "the keyspace uses tablets, on which this ScyllaDB version does not support lightweight transactions",
                    metadata: ["store.keyspace": keyspace, "store.server_version": version ?? "unknown"]
                )
            }
        } else {
            let replication = CQLSchema.replicationMap(
                settings.replication,
                datacenter: settings.datacenter,
                hosts: client.hosts
            )
            if let reason = tablets.reason {
                logger.info(reason, metadata: ["store.keyspace": keyspace])
            }
            logger.info(
                "creating the keyspace",
                metadata: ["store.keyspace": keyspace, "store.replication": replication]
            )
            _ = try await client.query(
                CQLSchema.createKeyspace(keyspace, replication: replication, tabletsOff: tablets.disable)
            )
        }

        for table in CQLSchema.tables(keyspace) {
            _ = try await client.query(table)
        }
        if !(try await client.waitForSchemaAgreement()) {
            logger.warning("the nodes did not agree on the schema in time", metadata: ["store.keyspace": keyspace])
        }
        try await checkVersion()
    }

    private func keyspaceExists(_ keyspace: String) async throws -> Bool {
        let rows = try await client.query(
            "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?",
            [.text(keyspace)],
            options: CQLStatementOptions(consistency: .one, isIdempotent: true)
        ).rows
        return rows.count > 0
    }

    /// Whether ScyllaDB created the keyspace with tablets (its `initial_tablets` is set).
    private func keyspaceUsesTablets(_ keyspace: String) async throws -> Bool {
        let rows = try? await client.query(
            "SELECT initial_tablets FROM system_schema.scylla_keyspaces WHERE keyspace_name = ?",
            [.text(keyspace)],
            options: CQLStatementOptions(consistency: .one, isIdempotent: true)
        ).rows
        guard let row = rows?.first else {
            return false
        }
        return row.cells.first.map { $0 != nil } ?? false
    }

    /// ScyllaDB's own version (its `release_version` imitates Cassandra's), or `nil` when it cannot be read.
    private func scyllaVersion() async -> String? {
        let rows = try? await client.query(
            "SELECT version FROM system.versions WHERE key = 'local'",
            options: CQLStatementOptions(consistency: .one, isIdempotent: true)
        ).rows
        return try? rows?.first?.decode(String.self, "version")
    }

    private func checkVersion() async throws {
        let rows = try await run(statements.schemaVersion, []).rows
        if let found = try rows.first?.decode(Int32.self, "version") {
            guard found <= CQLSchema.version else {
                throw DNAError(
                    .corruptData,
                    "keyspace \(settings.keyspace) has schema version \(found); this build understands up to \(CQLSchema.version)"
                )
            }
            return
        }
        _ = try await run(statements.writeSchemaVersion, [.int(CQLSchema.version)])
    }
}
