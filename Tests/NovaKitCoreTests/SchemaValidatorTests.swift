import NovaKitCore
import Testing

@Suite("Schema validation")
struct SchemaValidatorTests {
    static let document = Schema.object(
        ["id": .integer(minimum: 1), "name": .string(minLength: 1, maxLength: 5), "kind": .oneOf(["a", "b"]), "note": Schema.string().nullable],
        required: ["name"])

    @Test(
        "refusals name the field and follow Nova's wording",
        arguments: [
            (["id": 1] as JSON, "'name' is a required property"),
            (["name": ""], "Invalid input for field/attribute name. Value: . '' is too short"),
            (["name": "abcdef"], "Invalid input for field/attribute name. Value: abcdef. 'abcdef' is too long"),
            (["name": "a", "id": "x"], "Invalid input for field/attribute id. Value: x. 'x' is not of type 'integer'"),
            (["name": "a", "id": 0], "Invalid input for field/attribute id. Value: 0. 0 is less than the minimum of 1"),
            (["name": "a", "kind": "c"], "Invalid input for field/attribute kind. Value: c. 'c' is not one of ['a', 'b']"),
            (["name": "a", "extra": true], "Additional properties are not allowed ('extra' was unexpected)"),
            (["name": 5], "Invalid input for field/attribute name. Value: 5. 5 is not of type 'string'"),
            (JSON.null, "None is not of type 'object'"),
        ] as [(JSON, String)])
    func refusals(body: JSON, message: String) {
        #expect(throws: ValidationError(message: message)) { try Self.document.validate(body) }
    }

    @Test("valid bodies pass unchanged; nullable accepts null")
    func accepts() throws {
        let body: JSON = ["name": "abc", "id": 3, "kind": "a", "note": nil]
        #expect(try Self.document.validate(body) == body)
    }

    @Test("the legacy API drops unknown keys instead of refusing them")
    func tolerant() throws {
        #expect(try Self.document.validate(["name": "a", "extra": 1], tolerateUnknownKeys: true) == ["name": "a"])
    }

    @Test("lengths count Unicode scalars, as Python and PostgreSQL do")
    func unicodeLength() throws {
        try Self.document.validate(["name": "ééééé"])
        #expect(throws: ValidationError.self) { try Self.document.validate(["name": "éééééé"]) }
    }

    @Test("patterns apply to strings")
    func pattern() throws {
        let schema = Schema.string(pattern: "^[a-z]+$")
        try schema.validate("abc")
        #expect(throws: ValidationError(message: "'A1' does not match '^[a-z]+$'")) { try schema.validate("A1") }
    }
}

@Suite("API versions")
struct APIVersionTests {
    @Test("parsing accepts only MajorNum.MinorNum", arguments: ["2", "2.x", "two", "2.1.1", "", ".1", "2.", " 2.1"])
    func malformed(text: String) {
        #expect(APIVersion(parsing: text) == nil)
    }

    @Test("ordering is numeric")
    func ordering() {
        #expect(APIVersion(parsing: "2.9")! < APIVersion(parsing: "2.10")!)
        #expect(VersionRange.from(10).contains(APIVersion(2, 10)))
        #expect(!VersionRange.through(9).contains(APIVersion(2, 10)))
    }
}
