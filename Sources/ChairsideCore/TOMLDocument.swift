/// A small TOML reader for the clinic config that remembers the line of every key,
/// so an error can name file, line and key. It reads the part of TOML a config
/// needs: comments, `[table]`, `[[array.of.tables]]`, `key = value` with basic and
/// literal strings, integers, floats, booleans and (multi-line) arrays of those.
/// Inline tables, dates and multi-line strings are refused with a clear message.
public struct TOMLDocument: Sendable {
    public indirect enum Value: Equatable, Sendable {
        case string(String)
        case integer(Int)
        case float(Double)
        case bool(Bool)
        case array([Value])

        public var typeName: String {
            switch self {
            case .string: "a string"
            case .integer: "a whole number"
            case .float: "a number"
            case .bool: "true or false"
            case .array: "a list"
            }
        }
    }

    /// A table's keys in file order, each with the line it was set on.
    public struct Table: Sendable {
        public var line: Int
        public var values: [(key: String, value: Value, line: Int)] = []
        public var tables: [(key: String, table: Table)] = []
        public var arrays: [(key: String, tables: [Table])] = []

        public func table(_ key: String) -> Table? { tables.first { $0.key == key }?.table }
        public func array(_ key: String) -> [Table]? { arrays.first { $0.key == key }?.tables }
    }

    public struct ParseError: Error, Equatable, Sendable {
        public var line: Int
        public var message: String
    }

    public private(set) var root = Table(line: 0)

    public init(parsing text: String) throws {
        var current: [PathStep] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = String(first.dropFirst()) }
        var index = 0
        while index < lines.count {
            let lineNumber = index + 1
            let line = Self.stripComment(lines[index]).trimmingSpaces()
            index += 1
            if line.isEmpty { continue }
            if line.hasPrefix("[[") {
                guard line.hasSuffix("]]") else {
                    throw ParseError(line: lineNumber, message: "a [[table]] header must end with ]]")
                }
                let path = try Self.parseKeyPath(String(line.dropFirst(2).dropLast(2)), line: lineNumber)
                try appendArrayTable(path: path, line: lineNumber)
                current =
                    path.dropLast().map { PathStep(key: $0, arrayElement: false) } + [
                        PathStep(key: path.last!, arrayElement: true)
                    ]
                continue
            }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw ParseError(line: lineNumber, message: "a [table] header must end with ]")
                }
                let path = try Self.parseKeyPath(String(line.dropFirst().dropLast()), line: lineNumber)
                try openTable(path: path, line: lineNumber)
                current = path.map { PathStep(key: $0, arrayElement: false) }
                continue
            }
            guard let eq = Self.indexOfUnquoted("=", in: line) else {
                throw ParseError(line: lineNumber, message: "expected `key = value`")
            }
            let keyText = String(line[..<eq]).trimmingSpaces()
            var valueText = String(line[line.index(after: eq)...]).trimmingSpaces()
            let keyPath = try Self.parseKeyPath(keyText, line: lineNumber)
            guard keyPath.count == 1 else {
                throw ParseError(line: lineNumber, message: "dotted keys are not supported; use a [table] header")
            }
            // A list may run over several lines until its brackets balance.
            while valueText.hasPrefix("[") && !Self.bracketsBalanced(valueText) {
                guard index < lines.count else {
                    throw ParseError(line: lineNumber, message: "the list is never closed with ]")
                }
                valueText += " " + Self.stripComment(lines[index]).trimmingSpaces()
                index += 1
            }
            var parser = ValueParser(text: valueText, line: lineNumber)
            let value = try parser.parseValue()
            parser.skipSpaces()
            guard parser.atEnd else { throw ParseError(line: lineNumber, message: "unexpected text after the value") }
            try insert(key: keyPath[0], value: value, line: lineNumber, at: current)
        }
    }

    private struct PathStep {
        var key: String
        var arrayElement: Bool
    }

    private mutating func openTable(path: [String], line: Int) throws {
        func open(_ table: inout Table, _ rest: ArraySlice<String>) throws {
            let key = rest.first!
            if rest.count == 1 {
                if table.values.contains(where: { $0.key == key }) || table.array(key) != nil {
                    throw ParseError(
                        line: line,
                        message: "[\(path.joined(separator: "."))] clashes with a value or [[list]] of the same name")
                }
                if let i = table.tables.firstIndex(where: { $0.key == key }) {
                    // -1 marks a table only implied by a deeper header, which may still be opened once.
                    guard table.tables[i].table.line == -1 else {
                        throw ParseError(line: line, message: "[\(path.joined(separator: "."))] is defined twice")
                    }
                    table.tables[i].table.line = line
                } else {
                    table.tables.append((key, Table(line: line)))
                }
                return
            }
            if let i = table.arrays.firstIndex(where: { $0.key == key }) {
                try open(&table.arrays[i].tables[table.arrays[i].tables.count - 1], rest.dropFirst())
                return
            }
            if table.tables.firstIndex(where: { $0.key == key }) == nil { table.tables.append((key, Table(line: -1))) }
            let i = table.tables.firstIndex(where: { $0.key == key })!
            try open(&table.tables[i].table, rest.dropFirst())
        }
        try open(&root, path[...])
    }

    private mutating func appendArrayTable(path: [String], line: Int) throws {
        func append(_ table: inout Table, _ rest: ArraySlice<String>) throws {
            let key = rest.first!
            if rest.count == 1 {
                if table.table(key) != nil || table.values.contains(where: { $0.key == key }) {
                    throw ParseError(line: line, message: "\(key) is already a table or value, not a [[list]]")
                }
                if let i = table.arrays.firstIndex(where: { $0.key == key }) {
                    table.arrays[i].tables.append(Table(line: line))
                } else {
                    table.arrays.append((key, [Table(line: line)]))
                }
                return
            }
            if let i = table.arrays.firstIndex(where: { $0.key == key }) {
                try append(&table.arrays[i].tables[table.arrays[i].tables.count - 1], rest.dropFirst())
                return
            }
            if table.tables.firstIndex(where: { $0.key == key }) == nil { table.tables.append((key, Table(line: -1))) }
            let i = table.tables.firstIndex(where: { $0.key == key })!
            try append(&table.tables[i].table, rest.dropFirst())
        }
        try append(&root, path[...])
    }

    private mutating func insert(key: String, value: Value, line: Int, at path: [PathStep]) throws {
        func put(_ table: inout Table, _ rest: ArraySlice<PathStep>) throws {
            guard let step = rest.first else {
                if table.values.contains(where: { $0.key == key }) || table.table(key) != nil || table.array(key) != nil
                {
                    throw ParseError(line: line, message: "\(key) is set twice")
                }
                table.values.append((key, value, line))
                return
            }
            if step.arrayElement {
                let i = table.arrays.firstIndex { $0.key == step.key }!
                try put(&table.arrays[i].tables[table.arrays[i].tables.count - 1], rest.dropFirst())
            } else if let i = table.arrays.firstIndex(where: { $0.key == step.key }) {
                try put(&table.arrays[i].tables[table.arrays[i].tables.count - 1], rest.dropFirst())
            } else {
                let i = table.tables.firstIndex { $0.key == step.key }!
                try put(&table.tables[i].table, rest.dropFirst())
            }
        }
        try put(&root, path[...])
    }

    static func stripComment(_ line: String) -> String {
        guard let i = indexOfUnquoted("#", in: line) else { return line }
        return String(line[..<i])
    }

    static func indexOfUnquoted(_ target: Character, in line: String) -> String.Index? {
        var quote: Character? = nil
        var escaped = false
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if let q = quote {
                if escaped {
                    escaped = false
                } else if c == "\\" && q == "\"" {
                    escaped = true
                } else if c == q {
                    quote = nil
                }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == target {
                return i
            }
            i = line.index(after: i)
        }
        return nil
    }

    static func bracketsBalanced(_ text: String) -> Bool {
        var depth = 0
        var quote: Character? = nil
        for c in text {
            if let q = quote {
                if c == q { quote = nil }
                continue
            }
            if c == "\"" || c == "'" { quote = c } else if c == "[" { depth += 1 } else if c == "]" { depth -= 1 }
        }
        return depth <= 0
    }

    static func parseKeyPath(_ text: String, line: Int) throws -> [String] {
        var parts: [String] = []
        for raw in text.split(separator: ".", omittingEmptySubsequences: false) {
            let part = raw.trimmingSpaces()
            if part.count >= 2, part.first == "\"", part.last == "\"" {
                parts.append(String(part.dropFirst().dropLast()))
            } else if !part.isEmpty, part.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
                parts.append(part)
            } else {
                throw ParseError(line: line, message: "`\(text)` is not a valid key")
            }
        }
        return parts
    }

    private struct ValueParser {
        let chars: [Character]
        var pos = 0
        let line: Int

        init(text: String, line: Int) {
            chars = Array(text)
            self.line = line
        }

        var atEnd: Bool { pos >= chars.count }

        mutating func skipSpaces() {
            while pos < chars.count, chars[pos] == " " || chars[pos] == "\t" || chars[pos] == "\r" { pos += 1 }
        }

        func fail(_ message: String) -> ParseError { ParseError(line: line, message: message) }

        mutating func parseValue() throws -> Value {
            skipSpaces()
            guard pos < chars.count else { throw fail("a value is missing after =") }
            switch chars[pos] {
            case "\"":
                if chars[pos...].starts(with: ["\"", "\"", "\""]) {
                    throw fail("multi-line strings are not supported")
                }
                return .string(try basicString())
            case "'":
                pos += 1
                var s = ""
                while pos < chars.count, chars[pos] != "'" {
                    s.append(chars[pos])
                    pos += 1
                }
                guard pos < chars.count else { throw fail("the string is never closed with '") }
                pos += 1
                return .string(s)
            case "[":
                pos += 1
                var items: [Value] = []
                while true {
                    skipSpaces()
                    guard pos < chars.count else { throw fail("the list is never closed with ]") }
                    if chars[pos] == "]" {
                        pos += 1
                        break
                    }
                    items.append(try parseValue())
                    skipSpaces()
                    guard pos < chars.count else { throw fail("the list is never closed with ]") }
                    if chars[pos] == "," {
                        pos += 1
                        continue
                    }
                    if chars[pos] == "]" {
                        pos += 1
                        break
                    }
                    throw fail("expected , or ] in the list")
                }
                return .array(items)
            case "{":
                throw fail("inline tables are not supported; use a [table] header")
            default:
                var word = ""
                while pos < chars.count, !",] \t".contains(chars[pos]) {
                    word.append(chars[pos])
                    pos += 1
                }
                if word == "true" { return .bool(true) }
                if word == "false" { return .bool(false) }
                let digits = word.replacingOccurrences(of: "_", with: "")
                if let i = Int(digits) { return .integer(i) }
                if let d = Double(digits), d.isFinite, digits.contains(where: { $0.isNumber }) { return .float(d) }
                throw fail("`\(word)` is not a value; put text in \"quotes\"")
            }
        }

        mutating func basicString() throws -> String {
            pos += 1
            var s = ""
            while pos < chars.count {
                let c = chars[pos]
                pos += 1
                if c == "\"" { return s }
                if c == "\\" {
                    guard pos < chars.count else { break }
                    let e = chars[pos]
                    pos += 1
                    switch e {
                    case "n": s.append("\n")
                    case "t": s.append("\t")
                    case "\"": s.append("\"")
                    case "\\": s.append("\\")
                    case "u", "U":
                        let n = e == "u" ? 4 : 8
                        guard pos + n <= chars.count, let v = UInt32(String(chars[pos..<pos + n]), radix: 16),
                            let u = UnicodeScalar(v)
                        else {
                            throw fail("bad \\\(e) escape in a string")
                        }
                        s.unicodeScalars.append(u)
                        pos += n
                    default: throw fail("unknown escape \\\(e) in a string")
                    }
                } else {
                    s.append(c)
                }
            }
            throw fail("the string is never closed with \"")
        }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
