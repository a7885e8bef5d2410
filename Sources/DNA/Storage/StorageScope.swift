/// What the storage modules of every actor on a node share: the store they read and flush to, the size limits
/// they enforce and the bound on each module's read cache.
///
/// One scope per node, so that each module of each resident actor holds one reference instead of copies.
final class StorageScope: Sendable {
    let store: any KeyValueStore
    let limits: StorageLimits
    let cacheLimit: Int

    init(store: any KeyValueStore, limits: StorageLimits, cacheLimit: Int) {
        self.store = store
        self.limits = limits
        self.cacheLimit = max(1, cacheLimit)
    }
}
