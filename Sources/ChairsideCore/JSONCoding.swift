import Foundation

/// The one place dates and JSON layout are decided for everything Chairside stores:
/// UTC ISO 8601 with milliseconds, sorted keys so identical values give identical bytes.
public enum JSONCoding {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "not an ISO 8601 UTC timestamp with milliseconds: \(text)")
            }
            return date
        }
        return decoder
    }
}

/// UTC ISO 8601 timestamps with millisecond precision, e.g. 2026-11-21T09:30:00.125Z.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(
        includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)

    /// The format style truncates the fraction, and a parsed millisecond is often a hair below itself
    /// in binary (….244 comes back as ….2439999), which would print as ….243. A nudge far below a
    /// millisecond but above a Double's error at today's dates keeps format(parse(s)) == s.
    private static let nudge: TimeInterval = 0.000_05

    public static func format(_ date: Date) -> String { style.format(date.addingTimeInterval(nudge)) }

    public static func parse(_ text: String) -> Date? {
        guard text.hasSuffix("Z") else { return nil }
        return try? style.parse(text)
    }

    /// Drops anything finer than a millisecond, so a recorded time survives a round trip exactly.
    public static func truncated(_ date: Date) -> Date {
        let ms = (date.timeIntervalSince1970 * 1000 + nudge * 1000).rounded(.down)
        return Date(timeIntervalSince1970: ms / 1000)
    }
}
