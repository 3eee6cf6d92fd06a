import NovaKitCore

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

/// A boolean as Nova's boolean parameter takes it: JSON `true`/`false` or a string such as `"True"`, `"yes"`,
/// `"0"` (the body's schema, `Schema.novaBoolean`, has already refused anything else).
public struct FlexibleBool: Decodable, Sendable, Hashable {
    public let value: Bool

    public init(_ value: Bool) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            value = flag
            return
        }
        let text = try container.decode(String.self)
        if FlexibleBoolWords.truthy.contains(text) {
            value = true
        } else if FlexibleBoolWords.falsy.contains(text) {
            value = false
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a boolean")
        }
    }
}

/// An integer as Nova's integer parameters take it: a JSON integer or a string of digits (`"5120"`).
public struct FlexibleInt: Decodable, Sendable, Hashable {
    public let value: Int

    public init(_ value: Int) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            value = number
            return
        }
        let text = try container.decode(String.self)
        guard let number = Int(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an integer")
        }
        value = number
    }
}

/// A number as Nova's float parameters take it: a JSON number or a string of digits (`"1.5"`).
public struct FlexibleDouble: Decodable, Sendable, Hashable {
    public let value: Double

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
            return
        }
        let text = try container.decode(String.self)
        guard let number = Double(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a number")
        }
        value = number
    }
}

/// An id as Nova's id parameters take it: a string, or a JSON integer given where a string id is meant.
public struct FlexibleString: Decodable, Sendable, Hashable {
    public let value: String

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) { value = String(number) } else { value = try container.decode(String.self) }
    }
}
