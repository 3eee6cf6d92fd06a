import Foundation

/// A body that failed its schema; the message follows Nova's wording and names the field.
public struct ValidationError: Error, Sendable, Equatable, FaultConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var fault: Fault { .badRequest(message) }
}

extension Schema {
    /// Validates `value`, returning it with unknown keys removed when `tolerateUnknownKeys` (legacy v2).
    @discardableResult
    public func validate(_ value: JSON, tolerateUnknownKeys: Bool = false) throws(ValidationError) -> JSON {
        try validate(value, field: nil, tolerant: tolerateUnknownKeys)
    }

    private func fail(_ field: String?, _ value: JSON, _ reason: String) -> ValidationError {
        guard let field else { return ValidationError(message: reason) }
        return ValidationError(message: "Invalid input for field/attribute \(field). Value: \(value.pythonStr). \(reason)")
    }

    private func validate(_ value: JSON, field: String?, tolerant: Bool) throws(ValidationError) -> JSON {
        if !types.isEmpty && !types.contains(where: { Self.matches(value, $0) }) {
            let names = types.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw fail(field, value, "\(value.pythonRepr) is not of type \(names)")
        }
        if let enumValues, !enumValues.contains(value) {
            let list = "[" + enumValues.map(\.pythonRepr).joined(separator: ", ") + "]"
            throw fail(field, value, "\(value.pythonRepr) is not one of \(list)")
        }
        switch value {
        case .string(let text):
            try checkString(text, value: value, field: field)
            // A numeric string where an integer may stand: held to the integer's bounds too.
            if types.contains(.integer), let number = Int(text) { try checkInteger(number, value: value, field: field) }
        case .int(let number): try checkInteger(number, value: value, field: field)
        case .array(let elements): return .array(try checkArray(elements, value: value, field: field, tolerant: tolerant))
        case .object(let members): return .object(try checkObject(members, value: value, field: field, tolerant: tolerant))
        default: break
        }
        return value
    }

    private static func matches(_ value: JSON, _ type: ValueType) -> Bool {
        switch (value, type) {
        case (.object, .object), (.array, .array), (.string, .string), (.int, .integer), (.bool, .boolean), (.null, .null):
            return true
        case (.int, .number), (.double, .number):
            return true
        default:
            return false
        }
    }

    private func checkString(_ text: String, value: JSON, field: String?) throws(ValidationError) {
        if let minLength, text.unicodeScalars.count < minLength {
            throw fail(field, value, "\(value.pythonRepr) is too short")
        }
        if let maxLength, text.unicodeScalars.count > maxLength {
            throw fail(field, value, "\(value.pythonRepr) is too long")
        }
        if let pattern, text.range(of: pattern, options: .regularExpression) == nil {
            throw fail(field, value, "\(value.pythonRepr) does not match '\(pattern)'")
        }
    }

    private func checkInteger(_ number: Int, value: JSON, field: String?) throws(ValidationError) {
        if let minimum, number < minimum {
            throw fail(field, value, "\(number) is less than the minimum of \(minimum)")
        }
        if let maximum, number > maximum {
            throw fail(field, value, "\(number) is greater than the maximum of \(maximum)")
        }
    }

    private func checkArray(_ elements: [JSON], value: JSON, field: String?, tolerant: Bool) throws(ValidationError) -> [JSON] {
        if let minItems, elements.count < minItems {
            throw fail(field, value, "\(value.pythonRepr) is too short")
        }
        if let maxItems, elements.count > maxItems {
            throw fail(field, value, "\(value.pythonRepr) is too long")
        }
        guard let items else { return elements }
        var checked: [JSON] = []
        for element in elements {
            checked.append(try items.validate(element, field: field, tolerant: tolerant))
        }
        return checked
    }

    private func checkObject(
        _ members: [String: JSON], value: JSON, field: String?, tolerant: Bool
    ) throws(ValidationError) -> [String: JSON] {
        for name in required where members[name] == nil {
            throw fail(field, value, "'\(name)' is a required property")
        }
        var checked: [String: JSON] = [:]
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            if let schema = properties[name] {
                checked[name] = try schema.validate(member, field: name, tolerant: tolerant)
            } else if additionalProperties || types.isEmpty {
                checked[name] = member
            } else if !tolerant {
                throw fail(field, value, "Additional properties are not allowed ('\(name)' was unexpected)")
            }
        }
        return checked
    }
}
