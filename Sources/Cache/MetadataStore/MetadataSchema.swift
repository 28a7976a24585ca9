/// The metadata database's tables, versioned with `PRAGMA user_version`.
enum MetadataSchema {
    static let version = 2

    /// Creates the schema in a new database and refuses one written by a newer schema.
    static func prepare(_ db: SQLiteConnection) throws {
        let found = try db.queryFirst("PRAGMA user_version") { Int($0.int64(0)) } ?? 0
        guard found <= version else {
            throw MetadataStoreError.unsupportedSchemaVersion(found: found, supported: version)
        }
        guard found < version else { return }
        try db.transaction {
            if found < 1 { try db.execute(createVersion1) }
            if found < 2 { try db.execute(upgradeTo2) }
            try db.execute("PRAGMA user_version = \(version)")
        }
    }

    /// Content times in integer nanoseconds (a REAL holds Unix seconds to about 240 ns; mtimes need exact ns).
    private static let upgradeTo2 = """
        ALTER TABLE items ADD COLUMN content_modified_ns INTEGER;
        UPDATE items SET content_modified_ns = CAST(ROUND(content_modified_at * 1000000000) AS INTEGER)
            WHERE content_modified_at IS NOT NULL;
        ALTER TABLE items DROP COLUMN content_modified_at;
        """

    static let createVersion1 = """
        -- AUTOINCREMENT: an inode number, once given to an id, is never handed to another id.
        CREATE TABLE inodes (
            inode   INTEGER PRIMARY KEY AUTOINCREMENT,
            item_id TEXT NOT NULL UNIQUE
        );

        CREATE TABLE items (
            id                  TEXT PRIMARY KEY NOT NULL,
            parent_id           TEXT,
            name                TEXT NOT NULL,
            name_key            TEXT NOT NULL,      -- NameFolding.key(name)
            kind                TEXT NOT NULL CHECK (kind IN ('file', 'folder')),
            size                INTEGER NOT NULL,
            sha1                TEXT,
            etag                TEXT,
            file_version_id     TEXT,
            sequence_id         TEXT,
            content_modified_at REAL,               -- Unix seconds, like every time below
            modified_at         REAL,
            created_at          REAL,
            fetched_at          REAL NOT NULL
        ) WITHOUT ROWID;
        -- Box names are unique per folder case-insensitively; the index also serves children and subtree walks.
        CREATE UNIQUE INDEX items_by_parent_and_name ON items (parent_id, name_key);

        -- A row means the folder's full child list is in `items`, as of fetched_at.
        CREATE TABLE listings (
            folder_id  TEXT PRIMARY KEY NOT NULL,
            fetched_at REAL NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE negative_entries (
            parent_id   TEXT NOT NULL,
            name_key    TEXT NOT NULL,
            recorded_at REAL NOT NULL,
            PRIMARY KEY (parent_id, name_key)
        ) WITHOUT ROWID;

        CREATE TABLE state (
            key   TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE uploads (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            staging_path      TEXT NOT NULL,
            target_item_id    TEXT,                 -- a new version of this file ...
            base_etag         TEXT,
            parent_id         TEXT,                 -- ... or a new file named `name` in this folder
            name              TEXT,
            size              INTEGER NOT NULL,
            mtime_ns          INTEGER NOT NULL,
            state             TEXT NOT NULL,
            session_id        TEXT,
            session_endpoints TEXT,                 -- JSON, as Box returned it
            parts_done        TEXT,                 -- JSON, owned by the upload code
            attempts          INTEGER NOT NULL,
            last_error        TEXT,
            created_at        REAL NOT NULL,
            updated_at        REAL NOT NULL,
            CHECK ((target_item_id IS NULL) = (parent_id IS NOT NULL AND name IS NOT NULL))
        );
        """
}
