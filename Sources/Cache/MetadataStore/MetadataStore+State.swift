extension MetadataStore {
    /// The stored value for `key`, if any.
    public func stateValue(for key: StateKey) throws -> String? {
        try withConnection { db in
            try db.queryFirst("SELECT value FROM state WHERE key = ?", key.rawValue) { $0.string(0) }
        }
    }

    /// Stores `value` for `key`; nil removes it.
    public func setStateValue(_ value: String?, for key: StateKey) throws {
        try withUnlistedWrites { db in
            if let value {
                try db.run("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", key.rawValue, value)
            } else {
                try db.run("DELETE FROM state WHERE key = ?", key.rawValue)
            }
        }
    }
}
