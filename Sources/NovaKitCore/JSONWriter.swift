public import Foundation

/// Writes JSON text straight into bytes, for views rendered in bulk (a page of servers): no tree, no
/// dictionaries, no sorting. The caller writes each object's keys in ascending order — the order
/// `JSON.encoded()` sorts them into — so the bytes are exactly those of encoding the equivalent `JSON`.
/// Debug builds (every test run) check that order on every key written.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether the next key or element needs a comma before it.
    private var needsComma = false
    #if DEBUG
        /// The last key written in each open object (`nil` in an array or before the first key).
        private var lastKeys: [String?] = []
    #endif

    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    /// `{ … }`: `body` writes the members, keys ascending.
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    /// `[ … ]`: `body` writes the elements.
    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        open(UInt8(ascii: "["))
        body(&self)
        close(UInt8(ascii: "]"))
    }

    /// An object member's key, written as it is: a view's own key names, which need no escaping (debug builds
    /// check that, along with the order).
    public mutating func key(_ key: StaticString) {
        #if DEBUG
            precondition(
                key.withUTF8Buffer { $0.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") } },
                "JSONWriter: key \"\(key)\" needs escaping; write it with key(text:)")
            checkOrder(key.description)
        #endif
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// An object member's key that comes from data (metadata keys, network names): escaped as any string is.
    public mutating func key(text key: String) {
        #if DEBUG
            checkOrder(key)
        #endif
        separate()
        JSON.write(string: key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    #if DEBUG
        private mutating func checkOrder(_ key: String) {
            if let last = lastKeys.last, let previous = last {
                precondition(previous < key, "JSONWriter: key \"\(key)\" written after \"\(previous)\"")
            }
            if !lastKeys.isEmpty { lastKeys[lastKeys.count - 1] = key }
        }
    #endif

    public mutating func string(_ value: String) {
        separate()
        JSON.write(string: value, into: &bytes)
        needsComma = true
    }

    /// A string that starts with `prefix` (escaped once, written many times) and ends with `rest`.
    public mutating func string(_ prefix: JSONStringPrefix, _ rest: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: prefix.escaped)
        JSON.write(stringContents: rest, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// The string, or `null`.
    public mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// A timestamp as `Timestamp.zulu` spells it (`2013-09-03T04:01:32Z`), written straight into the text.
    public mutating func zuluTimestamp(_ date: Date) {
        timestamp(date, fractional: false, zulu: true)
    }

    /// A timestamp as `Timestamp.naive` spells it (`2013-09-23T13:37:00.880302`), or `null`.
    public mutating func naiveTimestamp(_ date: Date?) {
        guard let date else { return null() }
        timestamp(date, fractional: true, zulu: false)
    }

    private mutating func timestamp(_ date: Date, fractional: Bool, zulu: Bool) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        Timestamp.append(date, fractional: fractional, zulu: zulu, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func int(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// A value held as a tree (written as `encoded()` writes it).
    public mutating func value(_ value: JSON) {
        separate()
        value.write(into: &bytes)
        needsComma = true
    }

    /// An object of strings, keys sorted here (metadata, extra specs).
    public mutating func object(strings: [String: String]) {
        object { writer in
            for (key, value) in strings.sorted(by: { $0.key < $1.key }) {
                writer.key(text: key)
                writer.string(value)
            }
        }
    }

    /// An array of strings.
    public mutating func array(strings: [String]) {
        array { writer in
            for value in strings { writer.string(value) }
        }
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func open(_ byte: UInt8) {
        separate()
        bytes.append(byte)
        needsComma = false
        #if DEBUG
            lastKeys.append(nil)
        #endif
    }

    private mutating func close(_ byte: UInt8) {
        bytes.append(byte)
        needsComma = true
        #if DEBUG
            lastKeys.removeLast()
        #endif
    }
}
