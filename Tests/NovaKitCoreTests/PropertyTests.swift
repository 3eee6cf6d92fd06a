import Foundation
import PropertyBased
import Synchronization
import Testing

@testable import NovaKitCore

/// Arbitrary input never crashes or hangs the JSON reader, the schema validator or the path matcher, and
/// what they accept behaves: JSON round-trips, validation is idempotent, a match rebuilds its path.
@Suite("Properties of the input readers", .timeLimit(.minutes(1)))
struct PropertyTests {
    /// JSON's tokens (and some that break it), so that many generated texts are valid or nearly so.
    static let jsonTokens = [
        "{", "}", "[", "]", ",", ":", "\"k\"", "\"a\\u00e9\\n\"", "\"", "1", "-2.5e3", "0.1", "99999999999999999999", "true", "false",
        "null", " ", "\\", "nul", "{\"name\":", "\"ab\"",
    ]
    static let jsonText = Gen.element(of: jsonTokens).map { $0! }.array(of: 0...16).map { $0.joined() }
    static let bytes = Gen.uint8().array(of: 0...64)

    @Test("the JSON reader refuses or accepts any bytes, and what it accepts round-trips")
    func jsonReader() async {
        let accepted = Atomic(0)
        await propertyCheck(count: 2000, input: Self.jsonText) { text in
            guard let value = try? JSON.parse(Data(text.utf8)) else { return }
            accepted.add(1, ordering: .relaxed)
            #expect((try? JSON.parse(value.encoded())) == value)
        }
        #expect(accepted.load(ordering: .relaxed) > 20, "the generator should make some valid JSON")
        await propertyCheck(count: 2000, input: Self.bytes) { bytes in
            guard let value = try? JSON.parse(Data(bytes)) else { return }
            #expect((try? JSON.parse(value.encoded())) == value)
        }
    }

    /// A schema with every keyword the validator knows.
    static let schema = Schema.object(
        [
            "name": .string(minLength: 1, maxLength: 8, pattern: "^[a-z]+$"),
            "count": .integerOrNumeric(minimum: 0, maximum: 100),
            "flag": .novaBoolean,
            "tags": .array(.string(maxLength: 4), minItems: 0, maxItems: 3),
            "kind": Schema.oneOf(["a", "b", 1]).nullable,
            "nested": .object(["x": .integer(minimum: -5, maximum: 5)], required: ["x"]),
        ], required: ["name"])

    @Test("the schema validator judges any JSON without crashing; what it accepts it accepts again unchanged")
    func schemaValidator() async {
        let judged = Atomic(0)
        await propertyCheck(count: 3000, input: Self.jsonText) { text in
            let body = "{\"name\":\"ab\"," + text.dropFirst(min(1, text.count)) + "}"
            for candidate in [text, body] {
                guard let value = try? JSON.parse(Data(candidate.utf8)) else { continue }
                judged.add(1, ordering: .relaxed)
                for tolerate in [false, true] {
                    guard let accepted = try? Self.schema.validate(value, tolerateUnknownKeys: tolerate) else { continue }
                    #expect((try? Self.schema.validate(accepted, tolerateUnknownKeys: tolerate)) == accepted)
                }
            }
        }
        #expect(judged.load(ordering: .relaxed) > 20, "the generator should make some JSON to judge")
    }

    static let pathTokens = ["a", "b", "{x}", "{y}", "{", "}", "/", "/", "%20", ".", "~", " "]
    static let pathText = Gen.element(of: pathTokens).map { $0! }.array(of: 0...10).map { $0.joined() }

    @Test("the path matcher takes any pattern and path; a match puts its parameters back into the same path")
    func pathMatcher() async {
        let matched = Atomic(0)
        await propertyCheck(count: 3000, input: Self.pathText, Self.pathText) { pattern, path in
            let compiled = PathPattern(pattern)
            let segments = path.split(separator: "/")
            guard let parameters = compiled.match(segments) else { return }
            matched.add(1, ordering: .relaxed)
            #expect(segments.count == compiled.segments.count)
            for (segment, part) in zip(compiled.segments, segments) {
                switch segment {
                case .literal(let text): #expect(text == String(part))
                case .parameter(let name): #expect(parameters[name] != nil)
                }
            }
        }
        #expect(matched.load(ordering: .relaxed) > 20, "the generator should make some matching pairs")
    }

    static let escapedPieces = ["%20", "%2F", "%", "%2", "%zz", "%C3%A9", "%E2%82", "a", "é", "-", "%25", "%00"]
    static let escapedText = Gen.element(of: escapedPieces).map { $0! }.array(of: 0...6).map { $0.joined() }

    @Test("a path parameter is decoded as Foundation decodes it, and kept as it is when it has an invalid escape")
    func parameterDecoding() async {
        await propertyCheck(count: 3000, input: Self.escapedText) { text in
            #expect(PathPattern.decoded(Substring(text)) == text.removingPercentEncoding ?? text, "\(text)")
        }
        #expect(PathPattern("servers/{id}").match(["servers", "a%20b"]) == ["id": "a b"])
        #expect(PathPattern("servers/{id}").match(["servers", "100%"]) == ["id": "100%"])
    }
}
