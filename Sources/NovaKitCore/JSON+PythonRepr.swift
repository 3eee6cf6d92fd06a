/// Renders values the way Nova's (Python) validation messages show them.
extension JSON {
    /// Python's `repr()`: `'abc'`, `None`, `True`, `{'a': 1}`.
    public var pythonRepr: String {
        switch self {
        case .null: return "None"
        case .bool(let value): return value ? "True" : "False"
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let value): return "'\(value)'"
        case .array(let values): return "[" + values.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .object(let members):
            let items = members.sorted { $0.key < $1.key }.map { "'\($0.key)': \($0.value.pythonRepr)" }
            return "{" + items.joined(separator: ", ") + "}"
        }
    }

    /// Python's `str()`: like `repr` except that a top-level string is bare.
    public var pythonStr: String {
        if case .string(let value) = self { return value }
        return pythonRepr
    }
}
