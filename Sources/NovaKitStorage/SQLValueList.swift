import NovaKitCore
public import SQLKit

/// `column IN (values…)` with the whole list bound as one parameter: on SQLite the values travel as a JSON
/// array read back by `json_each`, on PostgreSQL as a text array compared with `= ANY`. A detail page asks for
/// its hundred servers' metadata and tags; written as a hundred placeholders, building the statement's text,
/// encoding each bind and SQLite parsing the result were a seventh of the page's CPU. The text is the same for
/// two values or a thousand; a single value is compared with `=`. Other dialects get the plain placeholder list.
public struct SQLValueList: SQLExpression {
    let column: any SQLExpression
    let values: [String]

    /// `column` is a plain column name.
    public init(_ column: String, in values: [String]) {
        self.init(SQLName(column), in: values)
    }

    public init(_ column: any SQLExpression, in values: [String]) {
        self.column = column
        self.values = values
    }

    public func serialize(to serializer: inout SQLSerializer) {
        // One value (a server's show, its actions) is a plain comparison: SQLite takes about twice as long to
        // prepare a statement that reads its list through `json_each` as one comparing to a parameter.
        if values.count == 1 {
            SQLBinaryExpression(column, .equal, SQLBind(values[0])).serialize(to: &serializer)
            return
        }
        switch serializer.dialect.name {
        case "sqlite":
            column.serialize(to: &serializer)
            serializer.write(" IN (SELECT value FROM json_each(")
            serializer.write(bind: String(decoding: JSON.array(values.map(JSON.string)).encodedBytes(), as: UTF8.self))
            serializer.write("))")
        case "postgresql":
            column.serialize(to: &serializer)
            serializer.write(" = ANY(")
            serializer.write(bind: values)
            serializer.write(")")
        default:
            SQLBinaryExpression(column, .in, SQLBind.group(values)).serialize(to: &serializer)
        }
    }
}
