extension Schema {
    /// The schema as JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1): the same keywords the validator
    /// enforces. Where the validator is stricter than JSON Schema can say (a numeric string held to an integer's
    /// bounds), the document accepts more than the API does, never less.
    public var jsonSchema: JSON {
        var schema: [String: JSON] = [:]
        switch types.count {
        case 0: break
        case 1: schema["type"] = .string(types[0].rawValue)
        default: schema["type"] = .array(types.map { .string($0.rawValue) })
        }
        if !properties.isEmpty { schema["properties"] = .object(properties.mapValues(\.jsonSchema)) }
        if !required.isEmpty { schema["required"] = .array(required.sorted().map { .string($0) }) }
        if types.contains(.object) && !additionalProperties { schema["additionalProperties"] = false }
        if let minLength { schema["minLength"] = .int(minLength) }
        if let maxLength { schema["maxLength"] = .int(maxLength) }
        if let pattern { schema["pattern"] = .string(pattern) }
        if let enumValues { schema["enum"] = .array(enumValues) }
        if let minimum { schema["minimum"] = .int(minimum) }
        if let maximum { schema["maximum"] = .int(maximum) }
        if let minItems { schema["minItems"] = .int(minItems) }
        if let maxItems { schema["maxItems"] = .int(maxItems) }
        if let items { schema["items"] = items.jsonSchema }
        return .object(schema)
    }
}
