import Mustache

/// A Mustache template for the aftercare sheet: the built-in one or a clinic's own file.
/// Loading checks every tag against the fields a sheet has, because Mustache itself renders
/// a misspelt field as nothing and the patient would get a sheet with holes in it.
public struct AftercareTemplate: Sendable {
    /// Where the template came from: a file path, or "built-in".
    public let source: String
    private let template: MustacheTemplate

    /// Plain text, not HTML: a name like "O'Brien & <Co>" prints as written.
    private static let plainText = "{{% CONTENT_TYPE: TEXT}}"

    /// The built-in template's source, for clinics that start their own from it.
    public static var builtInText: String { DefaultAftercareTemplate.text + "\n" }

    public static let builtIn: AftercareTemplate = {
        do {
            return try AftercareTemplate(text: DefaultAftercareTemplate.text, file: "built-in")
        } catch {
            preconditionFailure("the built-in aftercare template is broken: \(error)")
        }
    }()

    public init(text original: String, file: String) throws(TemplateError) {
        // A template saved on Windows reads like any other; line numbers are unchanged.
        let text = original.replacingOccurrences(of: "\r\n", with: "\n")
        try TemplateTags.check(text, file: file)
        do {
            // The pragma goes on the first line without a newline, so line numbers stay the file's own.
            template = try MustacheTemplate(string: Self.plainText + text)
        } catch let error as MustacheTemplate.ParserError {
            throw TemplateError(file: file, line: error.context.lineNumber, message: TemplateTags.explain(error.error))
        } catch {
            throw TemplateError(file: file, line: 1, message: "cannot be read as a Mustache template")
        }
        source = file
    }

    /// The sheet as text, each line at most `width` columns as `measure` counts them.
    public func render(
        _ sheet: AftercareSheet, width: Int = AftercareLayout.columns,
        measure: (String) -> Int = { $0.count }
    ) -> String {
        // The clinic's own text is made as harmless as the fields: tabs become spaces,
        // other control characters show as ^X.
        let lines = template.render(sheet.context)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { Visible.text($0.replacingOccurrences(of: "\t", with: "    ")) }
        return TextWrap.wrap(lines.joined(separator: "\n"), width: width, measure: measure)
    }
}

/// The sheet as it will go out, and what to tell the technician if the clinic's template had to be set aside.
public struct RenderedSheet: Equatable, Sendable {
    public var text: String
    public var warning: String?

    /// Renders with `clinic` (when it loaded) and falls back to the built-in template on a
    /// load error or a sheet with no text, never handing out a blank page.
    public init(
        sheet: AftercareSheet, clinic: Result<AftercareTemplate, TemplateError>?,
        width: Int = AftercareLayout.columns, measure: (String) -> Int = { $0.count }
    ) {
        var warning: String?
        switch clinic {
        case .success(let template):
            let text = template.render(sheet, width: width, measure: measure)
            if !text.allSatisfy(\.isWhitespace) {
                self.text = text
                self.warning = nil
                return
            }
            warning = "\(template.source): the template gave an empty sheet; printed the built-in sheet instead"
        case .failure(let error):
            warning = "\(error); printed the built-in sheet instead"
        case nil:
            break
        }
        text = AftercareTemplate.builtIn.render(sheet, width: width, measure: measure)
        self.warning = warning
    }
}

/// Page layout shared by the preview and the printer: 72 columns fit A4 and Letter at
/// 12 characters per inch inside 0.75-inch margins (A4 leaves 6.76 in, Letter 7.0 in).
public enum AftercareLayout {
    public static let columns = 72
    public static let charactersPerInch = 12
    public static let linesPerInch = 7
    /// 0.75 in, in points.
    public static let marginPoints = 54
}
