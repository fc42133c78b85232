import GRDB
import GRDBSQLite

/// The integer key of an occurrence id the store keeps (a provider's own, Graph's), for
/// the index that finds a live row by its id (`internal_occurrences_by_listed_key`,
/// StoreSchema v9).
///
/// Graph's occurrence ids are long (some 80 bytes from the emulator, 150 and more from
/// Outlook) and random: an index of the ids themselves took 172 MB of a 100,000-event
/// Microsoft calendar's 988 MB store, for 1.87 million ids (docs/benchmarks.md). The key
/// is the low 48 bits of the id's 64-bit FNV-1a hash, which SQLite stores in six bytes.
/// It is only a hint: every look-up by key compares the id too, so two ids that share a
/// key (about one chance in a hundred among two million ids) cost one more comparison,
/// never a wrong row.
enum ListedKey {
    /// The condition that a row (of `alias`, with its dot, or none) stores the id `id`, an
    /// SQL parameter whose key is the parameter `key`: by the key, for the index, and by the
    /// id, for ids that share a key. Every look-up of a stored id says it this way.
    static func storesID(_ alias: String = "", id: String, key: String) -> String {
        "\(alias)listed_key = \(key) AND \(alias)instance_id = \(id)"
    }

    static func of(_ id: String) -> Int64 {
        var id = id
        return id.withUTF8 { of(bytes: $0) }
    }

    static func of(bytes: UnsafeBufferPointer<UInt8>) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(hash & 0xffff_ffff_ffff)
    }

    /// Adds `calsync_listed_key(id)`, the same key in SQL (NULL for NULL), to `db`: the
    /// migration that keys the ids stored before it calls it once per id. Registered with
    /// SQLite's own call: through GRDB's `DatabaseFunction`, which boxes every argument, the
    /// migration of a 100,000-event Microsoft calendar spent some 5 s of CPU in it.
    static func addSQLFunction(to db: Database) throws {
        let code = sqlite3_create_function_v2(
            db.sqliteConnection, "calsync_listed_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, _, arguments in
                guard let value = arguments?[0], sqlite3_value_type(value) != SQLITE_NULL,
                    let text = sqlite3_value_text(value)
                else {
                    sqlite3_result_null(context)
                    return
                }
                let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(value)))
                sqlite3_result_int64(context, ListedKey.of(bytes: bytes))
            }, nil, nil, nil)
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot add calsync_listed_key")
        }
    }
}
