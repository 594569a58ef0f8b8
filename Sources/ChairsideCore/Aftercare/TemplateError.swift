/// A clinic template that cannot be used, with the file, the line and (when that is the
/// problem) the field it does not know. The sheet then falls back to the built-in one.
public struct TemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var field: String?
    public var message: String

    public init(file: String, line: Int, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        "\(file):\(line): " + (field.map { "unknown field \"\(Visible.text($0))\": " } ?? "") + message
    }
}
