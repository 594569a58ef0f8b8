import Foundation
import Mustache

/// Walks the tags of a Mustache template to find fields the sheet does not have.
/// Handles comments, pragmas, set-delimiter tags, triple mustaches and sections,
/// and knows which names are valid inside a `{{#zones}}` section.
enum TemplateTags {
    static func check(
        _ text: String, file: String, fields: Set<String> = Set(AftercareSheet.fields.map(\.name)),
        zoneFields: Set<String> = AftercareSheet.zoneFields,
        unescaped: Set<String>? = nil
    ) throws(TemplateError) {
        let topLevel = fields
        var open = "{{"
        var close = "}}"
        var sections: [String] = []
        var index = text.startIndex
        var line = 1
        func fail(_ field: String?, _ message: String) -> TemplateError {
            TemplateError(file: file, line: line, field: field, message: message)
        }
        while let start = text.range(of: open, range: index..<text.endIndex) {
            line += text[index..<start.lowerBound].filter { $0 == "\n" }.count
            var closing = close
            var bodyStart = start.upperBound
            var triple = false
            if open == "{{", bodyStart < text.endIndex, text[bodyStart] == "{" {
                triple = true
                closing = "}" + close
                bodyStart = text.index(after: bodyStart)
            }
            guard let end = text.range(of: closing, range: bodyStart..<text.endIndex) else {
                throw fail(nil, "a tag opened with \(open) is never closed with \(closing)")
            }
            let body = String(text[bodyStart..<end.lowerBound])
            let tagLine = line
            line += body.filter { $0 == "\n" }.count
            index = end.upperBound
            let trimmed = body.trimmingCharacters(in: .whitespaces)
            guard let sigil = trimmed.first else { throw fail(nil, "an empty tag \(open)\(close)") }
            let rest = String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces)
            switch sigil {
            case "!", "%":
                continue
            case "=":
                let parts = rest.dropLast().split(separator: " ", omittingEmptySubsequences: true)
                guard rest.hasSuffix("="), parts.count == 2 else {
                    throw fail(nil, "a set-delimiter tag must look like {{=<% %>=}}")
                }
                open = String(parts[0])
                close = String(parts[1])
                continue
            case ">", "<":
                throw TemplateError(
                    file: file, line: tagLine, field: nil,
                    message: "partials (\(sigil)\(rest)) are not available; put the text in this file")
            case "#", "^", "$":
                try known(
                    rest, sections: sections, topLevel: topLevel, zoneFields: zoneFields,
                    file: file, line: tagLine)
                sections.append(name(rest))
            case "/":
                guard let last = sections.popLast(), last == name(rest) else {
                    throw TemplateError(
                        file: file, line: tagLine, field: nil,
                        message: "{{/\(rest)}} closes a section that is not open here")
                }
            case "&", "{":
                // In an HTML template only markup we build may go in unescaped, never a name.
                if let unescaped, !unescaped.contains(name(rest)) {
                    throw TemplateError(
                        file: file, line: tagLine, field: name(rest),
                        message: "would go into the page unescaped; write {{\(name(rest))}}")
                }
                try known(
                    rest, sections: sections, topLevel: topLevel, zoneFields: zoneFields,
                    file: file, line: tagLine)
            default:
                if triple, let unescaped, !unescaped.contains(name(trimmed)) {
                    throw TemplateError(
                        file: file, line: tagLine, field: name(trimmed),
                        message: "would go into the page unescaped; write {{\(name(trimmed))}}")
                }
                try known(
                    trimmed, sections: sections, topLevel: topLevel, zoneFields: zoneFields,
                    file: file, line: tagLine)
            }
        }
        if let unclosed = sections.last {
            throw TemplateError(file: file, line: line, field: nil, message: "section {{#\(unclosed)}} is never closed")
        }
    }

    /// `uppercased(name)` -> `name`; `zone.name` -> `zone`.
    private static func name(_ tag: String) -> String {
        var n = Substring(tag)
        while let open = n.firstIndex(of: "("), n.hasSuffix(")") {
            n = n[n.index(after: open)..<n.index(before: n.endIndex)]
        }
        return String(n)
    }

    private static func known(
        _ tag: String, sections: [String], topLevel: Set<String>, zoneFields: Set<String>,
        file: String, line: Int
    ) throws(TemplateError) {
        let full = name(tag)
        if full == "." { return }
        let first = String(full.split(separator: ".").first ?? "")
        let inZones = sections.contains("zones")
        if topLevel.contains(first) || (inZones && zoneFields.contains(first)) { return }
        let hint =
            inZones
            ? "inside {{#zones}} use "
                + Self.list(["name", "depth_range"] + zoneFields.subtracting(["name", "depth_range"]).sorted())
            : "the fields are listed in the README under \"Aftercare template\""
        throw TemplateError(file: file, line: line, field: full, message: hint)
    }

    /// "a, b or c".
    private static func list(_ names: [String]) -> String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    static func explain(_ error: Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: "a section is closed with a different name than it was opened with"
        case .unfinishedName?: "a tag is not finished"
        case .expectedSectionEnd?: "a section is never closed"
        case .invalidSetDelimiter?: "a set-delimiter tag is malformed"
        default: "the template cannot be parsed (\(error))"
        }
    }
}
