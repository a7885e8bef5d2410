/// The store's statements, each prepared once on every connection of the pool under its case's name.
///
/// Every conditional operation is one statement, so it is atomic on its own and never reads in one round trip
/// what it writes in the next. Parameter types come from the columns they are compared with or stored in.
enum PostgresStatement: String, CaseIterable, Sendable {
    case upsertMember
    case listMembers
    case deleteMember
    case owner
    case claim
    case reclaim
    case release
    case getItem
    case listFrom
    case listFromBefore
    case listAfter
    case listAfterBefore
    case mutate

    /// The name of the prepared statement on the server.
    var name: String { "dna_\(rawValue)" }

    var sql: String {
        switch self {
        case .upsertMember: Self.upsertMemberSQL
        case .listMembers: Self.listMembersSQL
        case .deleteMember: "DELETE FROM dna_members WHERE cluster = $1 AND node = $2"
        case .owner: "SELECT owner, epoch FROM dna_directory WHERE namespace = $1 AND type = $2 AND key = $3"
        case .claim: Self.claimSQL
        case .reclaim: Self.reclaimSQL
        case .release: Self.releaseSQL
        case .getItem: Self.getItemSQL
        case .listFrom: Self.listSQL(lower: ">=", upper: false)
        case .listFromBefore: Self.listSQL(lower: ">=", upper: true)
        case .listAfter: Self.listSQL(lower: ">", upper: false)
        case .listAfterBefore: Self.listSQL(lower: ">", upper: true)
        case .mutate: Self.mutateSQL
        }
    }

    private static let upsertMemberSQL = """
        INSERT INTO dna_members (cluster, node, address, http_address, heartbeat, load, resident_actors, draining)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (cluster, node) DO UPDATE SET address = excluded.address, http_address = excluded.http_address,
            heartbeat = excluded.heartbeat, load = excluded.load, resident_actors = excluded.resident_actors,
            draining = excluded.draining
        """

    private static let listMembersSQL = """
        SELECT node, address, http_address, heartbeat, load, resident_actors, draining
        FROM dna_members WHERE cluster = $1
        """

    /// Insert-if-absent, or take over a row whose owner released it; either way the epoch rises. A row with an
    /// owner is "updated" to itself, which locks it and returns its latest committed version (a separate read
    /// could miss a claim committed after the statement's snapshot was taken).
    ///
    /// Parameters: $1–$3 name, $4 node.
    static let claimSQL = """
        INSERT INTO dna_directory AS d (namespace, type, key, owner, epoch) VALUES ($1, $2, $3, $4, 1)
        ON CONFLICT (namespace, type, key) DO UPDATE SET
            owner = CASE WHEN d.owner IS NULL THEN excluded.owner ELSE d.owner END,
            epoch = CASE WHEN d.owner IS NULL THEN d.epoch + 1 ELSE d.epoch END
        RETURNING owner, epoch
        """

    /// Moves an owned row to $4 if $5 still owns it, and returns the row as it is afterwards. The conditions
    /// are in the SET list so that the statement locks and returns the latest version whatever the outcome.
    ///
    /// Parameters: $1–$3 name, $4 new owner, $5 expected owner.
    private static let reclaimSQL = """
        UPDATE dna_directory SET
            owner = CASE WHEN owner = $5 THEN $4 ELSE owner END,
            epoch = CASE WHEN owner = $5 THEN epoch + 1 ELSE epoch END
        WHERE namespace = $1 AND type = $2 AND key = $3 AND owner IS NOT NULL
        RETURNING owner, epoch
        """

    /// Parameters: $1–$3 name, $4 owner. The row stays, with its epoch, so that later claims raise it.
    private static let releaseSQL = """
        UPDATE dna_directory SET owner = NULL WHERE namespace = $1 AND type = $2 AND key = $3 AND owner = $4
        """

    private static let getItemSQL = """
        SELECT value FROM dna_items WHERE namespace = $1 AND type = $2 AND key = $3 AND module = $4 AND item = $5
        """

    /// Parameters: $1–$3 name, $4 module, $5 lower bound (inclusive for `>=`, the cursor for `>`), $6 limit,
    /// $7 upper bound (exclusive). `item` is in the "C" collation, so the order is that of UTF-8 bytes.
    private static func listSQL(lower: String, upper: Bool) -> String {
        """
        SELECT item, value FROM dna_items
        WHERE namespace = $1 AND type = $2 AND key = $3 AND module = $4 AND item \(lower) $5\
        \(upper ? " AND item < $7" : "")
        ORDER BY item LIMIT $6
        """
    }

    /// A fenced flush: the fence row is locked (FOR SHARE) so that no claim, reclaim or release of the name
    /// can commit until this statement's transaction ends, and the writes happen only if it matched. Returns
    /// one row with 1 when the fence held and the writes were applied, 0 when nothing was written.
    ///
    /// The deletes name one module and a key array, so that they are one index scan over the five key
    /// columns; a join with an unnest of (module, key) pairs would let the planner scan every item of the
    /// actor instead.
    ///
    /// Parameters: $1–$3 name, $4 owner, $5 epoch; $6 modules, $7 keys, $8 values to set; $9 the module and
    /// $10 the keys to delete. Each key appears once among the sets and deletes of one statement.
    private static let mutateSQL = """
        WITH fence AS (
            SELECT 1 FROM dna_directory
            WHERE namespace = $1::text AND type = $2::text AND key = $3::text AND owner = $4::text AND epoch = $5::bigint
            FOR SHARE
        ), deleted AS (
            DELETE FROM dna_items
            WHERE namespace = $1 AND type = $2 AND key = $3 AND module = $9::text AND item = ANY ($10::text[])
                AND EXISTS (SELECT FROM fence)
        ), upserted AS (
            INSERT INTO dna_items (namespace, type, key, module, item, value)
            SELECT $1, $2, $3, u.module, u.item, u.value
            FROM unnest($6::text[], $7::text[], $8::bytea[]) AS u (module, item, value)
            WHERE EXISTS (SELECT FROM fence)
            ON CONFLICT (namespace, type, key, module, item) DO UPDATE SET value = excluded.value
        )
        SELECT count(*) FROM fence
        """
}
