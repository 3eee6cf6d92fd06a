/// A request-body schema, kept as data: a JSON Schema subset that can later be emitted as OpenAPI.
public struct Schema: Sendable, Hashable {
    /// The JSON types a value may have.
    public enum ValueType: String, Sendable, Hashable, CaseIterable {
        case object, array, string, integer, number, boolean, null
    }

    public var types: [ValueType]
    public var properties: [String: Schema]
    public var required: [String]
    public var additionalProperties: Bool
    public var minLength: Int?
    public var maxLength: Int?
    public var pattern: String?
    public var enumValues: [JSON]?
    public var minimum: Int?
    public var maximum: Int?
    public var minItems: Int?
    public var maxItems: Int?
    /// The schema of array items; an array holding zero or one element keeps the type recursive.
    public var itemSchemas: [Schema]

    public init(
        types: [ValueType] = [],
        properties: [String: Schema] = [:],
        required: [String] = [],
        additionalProperties: Bool = true,
        minLength: Int? = nil,
        maxLength: Int? = nil,
        pattern: String? = nil,
        enumValues: [JSON]? = nil,
        minimum: Int? = nil,
        maximum: Int? = nil,
        minItems: Int? = nil,
        maxItems: Int? = nil,
        items: Schema? = nil
    ) {
        self.types = types
        self.properties = properties
        self.required = required
        self.additionalProperties = additionalProperties
        self.minLength = minLength
        self.maxLength = maxLength
        self.pattern = pattern
        self.enumValues = enumValues
        self.minimum = minimum
        self.maximum = maximum
        self.minItems = minItems
        self.maxItems = maxItems
        self.itemSchemas = items.map { [$0] } ?? []
    }

    /// The array item schema, if any.
    public var items: Schema? { itemSchemas.first }
}

extension Schema {
    /// Anything.
    public static let any = Schema()
    /// JSON `null` only (actions that take no arguments).
    public static let null = Schema(types: [.null])

    /// A closed object: unknown keys are refused (tolerated on the legacy v2 API).
    public static func object(_ properties: [String: Schema], required: [String] = [], additional: Bool = false) -> Schema {
        Schema(types: [.object], properties: properties, required: required, additionalProperties: additional)
    }

    /// A string with optional length bounds and pattern.
    public static func string(minLength: Int? = nil, maxLength: Int? = nil, pattern: String? = nil) -> Schema {
        Schema(types: [.string], minLength: minLength, maxLength: maxLength, pattern: pattern)
    }

    /// An integer with optional bounds.
    public static func integer(minimum: Int? = nil, maximum: Int? = nil) -> Schema {
        Schema(types: [.integer], minimum: minimum, maximum: maximum)
    }

    /// A strict JSON boolean.
    public static let boolean = Schema(types: [.boolean])

    /// Nova's boolean parameter: `true`/`false` or one of the strings Nova reads as them
    /// (`"True"`, `"true"`, `"1"`, `"yes"`, `"on"` … and their opposites). Decode it as `FlexibleBool`.
    public static let novaBoolean = Schema(types: [.boolean, .string], enumValues: novaBooleanValues)

    /// The values `novaBoolean` accepts.
    public static let novaBooleanValues: [JSON] =
        [.bool(true)] + FlexibleBoolWords.truthy.map(JSON.string) + [.bool(false)] + FlexibleBoolWords.falsy.map(JSON.string)

    /// Nova's integer parameter: an integer, or a string of digits (with an optional leading `-` when
    /// `minimum` is negative) whose value is then held to the same bounds. Decode it as `FlexibleInt`.
    public static func integerOrNumeric(minimum: Int? = nil, maximum: Int? = nil) -> Schema {
        let sign = (minimum ?? 0) < 0 ? "-?" : ""
        return Schema(types: [.integer, .string], minLength: 1, pattern: "^\(sign)[0-9]+$", minimum: minimum, maximum: maximum)
    }

    /// An array of `items`.
    public static func array(_ items: Schema, minItems: Int? = nil, maxItems: Int? = nil) -> Schema {
        Schema(types: [.array], minItems: minItems, maxItems: maxItems, items: items)
    }

    /// One of the given values.
    public static func oneOf(_ values: [JSON]) -> Schema { Schema(enumValues: values) }

    /// The same schema that also accepts `null`.
    public var nullable: Schema {
        var copy = self
        if !copy.types.isEmpty && !copy.types.contains(.null) { copy.types.append(.null) }
        if var values = copy.enumValues, !values.contains(.null) {
            values.append(.null)
            copy.enumValues = values
        }
        return copy
    }
}

/// The strings Nova's boolean parameter reads as `true` and as `false`.
public enum FlexibleBoolWords {
    public static let truthy = ["True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes"]
    public static let falsy = ["False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"]
}
