/// An identifier a body may give as a string or as an integer (`"flavorRef": 1`, `"id": "m1.custom"`).
public struct Identifier: Decodable, Sendable, Hashable {
    public let text: String

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            text = String(number)
        } else {
            text = try container.decode(String.self)
        }
    }

    /// The last path segment: a reference given as a URL (`http://…/flavors/1`) names its id.
    public var lastSegment: String { Self.lastSegment(of: text) }

    /// The id a reference names, given as an id or as a URL ending in the id.
    public static func lastSegment(of reference: String) -> String {
        reference.split(separator: "/").last.map(String.init) ?? reference
    }
}

/// A field an update may set, clear with `null`, or leave out: `decodePatch` tells the three apart.
public enum Patch<Value: Decodable & Sendable>: Sendable {
    case set(Value)
    case clear

    /// The new value (`nil` for a cleared field).
    public var value: Value? {
        if case .set(let value) = self { return value }
        return nil
    }
}

extension KeyedDecodingContainer {
    /// `nil` when the key is absent, `.clear` when it is `null`, else the value.
    public func decodePatch<Value: Decodable & Sendable>(_ type: Value.Type, forKey key: Key) throws -> Patch<Value>? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) { return .clear }
        return .set(try decode(Value.self, forKey: key))
    }
}
