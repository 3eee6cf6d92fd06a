public import SQLKit

/// A table or column name NovaKit spells itself, quoted as `SQLIdentifier` quotes it but without its search for
/// quote marks to double: on Linux that search (`String.replacing`) costs microseconds a name, a few percent of a
/// detail page's CPU for its statements' handful of names. Only plain names (lowercase letters, digits,
/// underscores) under the `"` quote SQLite and PostgreSQL share take the short way; any other goes through
/// `SQLIdentifier`.
public struct SQLName: SQLExpression {
    public let name: String
    /// The table (or alias) the column is qualified by.
    public let table: String?

    public init(_ name: String, table: String? = nil) {
        self.name = name
        self.table = table
    }

    public func serialize(to serializer: inout SQLSerializer) {
        if let table {
            SQLName(table).serialize(to: &serializer)
            serializer.write(".")
        }
        if Self.isPlain(name), (serializer.dialect.identifierQuote as? SQLRaw)?.sql == "\"" {
            serializer.write("\"" + name + "\"")
        } else {
            SQLIdentifier(name).serialize(to: &serializer)
        }
    }

    /// Whether `name` is non-empty lowercase letters, digits and underscores.
    static func isPlain(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) }
    }
}
