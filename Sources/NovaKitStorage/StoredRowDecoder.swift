import Foundation
import SQLKit
import SQLiteKit

/// Decodes a `StoredRow` from a selected row with one lookup per column: the row holds every column the
/// type selects, so an optional is decoded as `T?` directly instead of asking whether the column is there,
/// then whether it is NULL, then for its value (what a general-purpose row decoder must do). On SQLite, text,
/// integers, booleans, reals and dates are read straight from SQLite's values (`SQLiteValue`).
struct StoredRowDecoder: Decoder {
    let row: any SQLRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy _: Key.Type) -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Columns<Key>(row: row, sqlite: (row as? SQLiteStoredRow)?.row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a row is keyed by column"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "a row is keyed by column"))
    }

    struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: any SQLRow
        /// The SQLite row behind `row`, when there is one.
        let sqlite: SQLiteRow?
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { row.allColumns.compactMap(Key.init(stringValue:)) }

        func contains(_ key: Key) -> Bool { row.contains(column: key.stringValue) }
        func decodeNil(forKey key: Key) throws -> Bool { try row.decodeNil(column: key.stringValue) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(key) }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try optionalValue(key) }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(key) }
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optionalValue(key) }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optionalValue(key) }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optionalValue(key) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optionalValue(key) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optionalValue(key) }

        /// On SQLite the column is looked up once and common types are read from its value.
        private func value<T: Decodable>(_ key: Key) throws -> T {
            if let data = sqlite?.column(key.stringValue), let value = SQLiteValue.decode(data, as: T.self) { return value }
            return try row.decode(column: key.stringValue, as: T.self)
        }

        /// On SQLite a NULL is `nil` and anything else is read as `T`; elsewhere the row decodes `T?`.
        private func optionalValue<T: Decodable>(_ key: Key) throws -> T? {
            guard let data = sqlite?.column(key.stringValue) else { return try row.decode(column: key.stringValue, as: T?.self) }
            if data == .null { return nil }
            return try SQLiteValue.decode(data, as: T.self) ?? row.decode(column: key.stringValue, as: T.self)
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

/// SQLite values of the types rows hold, read without a `Decoder` (`SQLiteStoredRow` tries this first): exactly what `SQLiteDataDecoder` makes of
/// them (text as `String`, integers as `Int`, `Bool` or `Double`, reals as `Double`, numbers as `Date` since
/// 1970). Anything else — other types, text dates, mismatches that must fail — is left to the decoder.
enum SQLiteValue {
    static func decode<T>(_ data: SQLiteData, as _: T.Type) -> T? {
        switch data {
        case .text(let text): return T.self == String.self ? text as? T : nil
        case .integer(let integer):
            if T.self == Int.self { return integer as? T }
            if T.self == Bool.self, integer == 0 || integer == 1 { return (integer == 1) as? T }
            if T.self == Double.self { return Double(integer) as? T }
            if T.self == Date.self { return Date(timeIntervalSince1970: Double(integer)) as? T }
            return nil
        case .float(let real):
            if T.self == Double.self { return real as? T }
            if T.self == Date.self { return Date(timeIntervalSince1970: real) as? T }
            return nil
        case .blob, .null: return nil
        }
    }
}
