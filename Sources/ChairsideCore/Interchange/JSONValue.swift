import Foundation

/// A JSON document built in code, for interchange formats whose shape is fixed by someone else
/// (FHIR) or by our published schema. Encoded with `JSONCoding`'s encoder, keys sorted.
public enum JSONValue: Encodable, Equatable, Sendable {
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let n): try c.encode(n)
        case .integer(let n): try c.encode(n)
        case .bool(let b): try c.encode(b)
        case .null: try c.encodeNil()
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// A string, or null when absent.
    public static func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }

    /// Pretty, sorted, UTF-8 text ending in a newline. JSON already escapes C0 controls; C1
    /// controls, DEL and bidi controls are escaped too (`\u202e`), so the exact stored value
    /// reaches a program while a terminal showing the output is never steered by it.
    public func text() throws -> String {
        let raw = String(decoding: try JSONCoding.encoder(pretty: true).encode(self), as: UTF8.self)
        var out = ""
        out.reserveCapacity(raw.utf8.count)
        for scalar in raw.unicodeScalars {
            switch scalar.value {
            case 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\n"
    }

    /// The object's value for `key`, for tests and readers.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}
