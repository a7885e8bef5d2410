/// The SQL text of the store's statements, each prepared once per connection.
enum SQLiteStatements {
    static let upsertMember = """
        INSERT INTO dna_members (cluster, node, address, http_address, heartbeat, load, resident_actors, draining)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        ON CONFLICT (cluster, node) DO UPDATE SET address = excluded.address, http_address = excluded.http_address,
            heartbeat = excluded.heartbeat, load = excluded.load, resident_actors = excluded.resident_actors,
            draining = excluded.draining
        """
    static let listMembers = """
        SELECT node, address, http_address, heartbeat, load, resident_actors, draining
        FROM dna_members WHERE cluster = ?1
        """
    static let deleteMember = "DELETE FROM dna_members WHERE cluster = ?1 AND node = ?2"

    static let owner = "SELECT owner, epoch FROM dna_directory WHERE namespace = ?1 AND type = ?2 AND key = ?3"
    static let claim = """
        INSERT INTO dna_directory (namespace, type, key, owner, epoch) VALUES (?1, ?2, ?3, ?4, 1)
        ON CONFLICT (namespace, type, key) DO UPDATE SET owner = excluded.owner, epoch = dna_directory.epoch + 1
        WHERE dna_directory.owner IS NULL
        """
    static let reclaim = """
        UPDATE dna_directory SET owner = ?4, epoch = epoch + 1
        WHERE namespace = ?1 AND type = ?2 AND key = ?3 AND owner = ?5
        """
    static let release = """
        UPDATE dna_directory SET owner = NULL WHERE namespace = ?1 AND type = ?2 AND key = ?3 AND owner = ?4
        """

    static let getItem = """
        SELECT value FROM dna_items WHERE namespace = ?1 AND type = ?2 AND key = ?3 AND module = ?4 AND item = ?5
        """
    static let upsertItem = """
        INSERT INTO dna_items (namespace, type, key, module, item, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        ON CONFLICT (namespace, type, key, module, item) DO UPDATE SET value = excluded.value
        """
    static let deleteItem = """
        DELETE FROM dna_items WHERE namespace = ?1 AND type = ?2 AND key = ?3 AND module = ?4 AND item = ?5
        """

    /// The list statement for the bounds a query uses; each variant keeps the range usable by the index.
    ///
    /// Parameters: ?1–?3 name, ?4 module, ?5 lower bound, ?6 upper bound, ?7 cursor, ?8 limit.
    static func listItems(_ query: ListQuery) -> String {
        var sql = "SELECT item, value FROM dna_items WHERE namespace = ?1 AND type = ?2 AND key = ?3 AND module = ?4"
        if query.lowerBound != nil {
            sql += " AND item >= ?5"
        }
        if query.upperBound != nil {
            sql += " AND item < ?6"
        }
        if query.after != nil {
            sql += " AND item > ?7"
        }
        return sql + " ORDER BY item LIMIT ?8"
    }
}
