// The CQL native protocol v4 client. See the module documentation.
enum CQLPlaceholder {}
