import SQLKit
import SQLiteNIO

/// Decodes a `StoredRow` from a selected row with one lookup per column: the row holds every column the
/// type selects, so an optional is decoded as `T?` directly instead of asking whether the column is there,
/// then whether it is NULL, then for its value (what a general-purpose row decoder must do). On SQLite the
/// row (`SQLiteStoredRow`) reads common types straight from SQLite's values.
struct StoredRowDecoder: Decoder {
    let row: any SQLRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy _: Key.Type) -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Columns<Key>(columns: StoredColumns(row)))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a row is keyed by column"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "a row is keyed by column"))
    }

    /// The common types read through `StoredColumns` (straight from SQLite's values there); the rest through
    /// the row's own decoding.
    struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let columns: StoredColumns
        var row: any SQLRow { columns.row }
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { row.allColumns.compactMap(Key.init(stringValue:)) }

        func contains(_ key: Key) -> Bool { row.contains(column: key.stringValue) }
        func decodeNil(forKey key: Key) throws -> Bool { try row.decodeNil(column: key.stringValue) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(key) }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try optionalValue(key) }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try columns.bool(key.stringValue) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try columns.string(key.stringValue) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try columns.int(key.stringValue) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(key) }
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try columns.optionalBool(key.stringValue) }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try columns.optionalString(key.stringValue) }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optionalValue(key) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try columns.optionalInt(key.stringValue) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optionalValue(key) }

        private func value<T: Decodable>(_ key: Key) throws -> T { try row.decode(column: key.stringValue, as: T.self) }

        private func optionalValue<T: Decodable>(_ key: Key) throws -> T? {
            if let sqlite = columns.sqlite { return try SQLiteStoredRow(row: sqlite).decodeIfPresent(column: key.stringValue, as: T.self) }
            return try row.decode(column: key.stringValue, as: T?.self)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy _: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.typeMismatch(Any.self, .init(codingPath: [key], debugDescription: "a column holds one value"))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch(Any.self, .init(codingPath: [key], debugDescription: "a column holds one value"))
        }

        func superDecoder() throws -> any Decoder { StoredRowDecoder(row: row) }
        func superDecoder(forKey _: Key) throws -> any Decoder { StoredRowDecoder(row: row) }
    }
}
