import Foundation
import NovaKitCore
import Testing

/// Bodies are read as Nova (Python's `json`, Nova's parameter types) reads them: strict JSON, booleans and
/// integers also as the strings Nova accepts for them.
@Suite("Input forms Nova accepts")
struct InputFormTests {
    @Test(
        "trailing commas and bare words are malformed JSON; commas inside strings are not",
        arguments: [
            ("{\"a\": 1,}", false), ("[1, 2 ,\n]", false), ("{\"a\": [1, {\"b\": 2,}]}", false), ("{\"a\": True}", false),
            ("{\"a\": \"1,}\"}", true), ("{\"a\": \"x\\\\\", \"b\": [1, 2]}", true), ("{\"a\": \"q\\\",]\"}", true), ("[]", true),
        ])
    func strictJSON(text: String, valid: Bool) {
        #expect(((try? JSON.parse(Data(text.utf8))) != nil) == valid, Comment(rawValue: text))
    }

    @Test("Nova's boolean accepts JSON booleans and its words, nothing else")
    func booleans() throws {
        for value in ["True", "true", "TRUE", "1", "on", "ON", "yes", "Yes", "False", "false", "0", "off", "no", "NO"] {
            try Schema.novaBoolean.validate(.string(value))
        }
        try Schema.novaBoolean.validate(.bool(true))
        try Schema.novaBoolean.validate(.bool(false))
        for refused: JSON in [.string("maybe"), .string("t"), .string(""), .int(1), .null] {
            #expect(throws: ValidationError.self) { try Schema.novaBoolean.validate(refused) }
        }
    }

    @Test("integers may come as numeric strings, held to the same bounds")
    func numericStrings() throws {
        let quota = Schema.integerOrNumeric(minimum: -1, maximum: 100)
        for value: JSON in [.int(5), .string("5"), .string("-1"), .int(-1), .string("100")] { try quota.validate(value) }
        for refused: JSON in [.string("-2"), .string("101"), .string("5.0"), .string(""), .string("ten"), .int(-2), .bool(true)] {
            #expect(throws: ValidationError.self, Comment(rawValue: refused.pythonRepr)) { try quota.validate(refused) }
        }
        let positive = Schema.integerOrNumeric(minimum: 1)
        #expect(throws: ValidationError.self) { try positive.validate(.string("-1")) }
        #expect(throws: ValidationError.self) { try positive.validate(.string("0")) }
        try positive.validate(.string("512"))
    }
}
