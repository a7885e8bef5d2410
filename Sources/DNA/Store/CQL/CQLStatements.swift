/// The statements of the CQL store, as text for one keyspace.
struct CQLStatements: Sendable {
    let keyspace: String

    private var members: String { "\(keyspace).dna_members" }
    private var directory: String { "\(keyspace).dna_directory" }
    private var items: String { "\(keyspace).dna_items" }
    private static let name = "namespace = ? AND type = ? AND key = ?"

    var upsertMember: String {
        """
        INSERT INTO \(members) (cluster, node, address, http_address, heartbeat, load, resident_actors, draining) \
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """
    }

    var listMembers: String {
        "SELECT node, address, http_address, heartbeat, load, resident_actors, draining FROM \(members) WHERE cluster = ?"
    }

    var deleteMember: String { "DELETE FROM \(members) WHERE cluster = ? AND node = ?" }

    var owner: String { "SELECT owner, epoch FROM \(directory) WHERE \(Self.name)" }

    /// The first claim of a name: binds namespace, type, key, owner, epoch.
    var claimNew: String {
        "INSERT INTO \(directory) (namespace, type, key, owner, epoch) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS"
    }

    /// A claim of a released name: binds owner, new epoch, namespace, type, key, seen epoch.
    var claimReleased: String {
        "UPDATE \(directory) SET owner = ?, epoch = ? WHERE \(Self.name) IF owner = null AND epoch = ?"
    }

    /// A reclaim: binds owner, new epoch, namespace, type, key, previous owner, seen epoch.
    var reclaim: String {
        "UPDATE \(directory) SET owner = ?, epoch = ? WHERE \(Self.name) IF owner = ? AND epoch = ?"
    }

    /// A release: binds namespace, type, key, owner.
    var release: String { "UPDATE \(directory) SET owner = null WHERE \(Self.name) IF owner = ?" }

    var getItem: String { "SELECT value FROM \(items) WHERE \(Self.name) AND module = ? AND item = ?" }

    /// A page of items: binds namespace, type, key, module, then the bounds present, then the limit.
    func listItems(lower: ListLowerBound, hasUpper: Bool) -> String {
        var text = "SELECT item, value FROM \(items) WHERE \(Self.name) AND module = ?"
        switch lower {
        case .none: break
        case .inclusive: text += " AND item >= ?"
        case .exclusive: text += " AND item > ?"
        }
        if hasUpper {
            text += " AND item < ?"
        }
        return text + " LIMIT ?"
    }

    var upsertItem: String {
        "INSERT INTO \(items) (namespace, type, key, module, item, value) VALUES (?, ?, ?, ?, ?, ?)"
    }

    var deleteItem: String { "DELETE FROM \(items) WHERE \(Self.name) AND module = ? AND item = ?" }

    /// Compares and sets a partition's fence: binds the new epoch, namespace, type, key, the expected epoch.
    /// With both epochs equal it is the condition of a fenced flush.
    var swapFence: String { "UPDATE \(items) SET fence = ? WHERE \(Self.name) IF fence = ?" }

    /// Sets the fence of a partition that has none: binds epoch, namespace, type, key.
    var initialFence: String { "UPDATE \(items) SET fence = ? WHERE \(Self.name) IF fence = null" }

    var schemaVersion: String { "SELECT version FROM \(keyspace).dna_schema WHERE component = 'dna'" }

    var writeSchemaVersion: String { "INSERT INTO \(keyspace).dna_schema (component, version) VALUES ('dna', ?)" }
}

/// How a list's lower end is expressed: CQL allows one lower restriction per clustering column.
enum ListLowerBound: Sendable {
    case none
    case inclusive(String)
    case exclusive(String)

    /// The tighter of the range's lower bound and the page cursor.
    init(_ query: ListQuery) {
        switch (query.lowerBound, query.after) {
        case (nil, nil):
            self = .none
        case (let lower?, nil):
            self = .inclusive(lower)
        case (nil, let after?):
            self = .exclusive(after)
        case (let lower?, let after?):
            self = KeyOrder.less(after, lower) ? .inclusive(lower) : .exclusive(after)
        }
    }

    var value: String? {
        switch self {
        case .none: nil
        case .inclusive(let value), .exclusive(let value): value
        }
    }
}
