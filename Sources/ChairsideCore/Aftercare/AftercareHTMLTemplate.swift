import Mustache

/// The typeset aftercare sheet's template: HTML with print CSS, filled by Mustache with the same
/// fields as the text sheet plus the page size and the face outline. Every field is HTML-escaped;
/// only `face_outline` (markup Chairside builds) may be written unescaped, so no name can add
/// markup, load a file or run anything in the renderer. Checked when loaded, like the text template.
public struct AftercareHTMLTemplate: Sendable {
    public let source: String
    private let template: MustacheTemplate

    /// The fields beyond the text sheet's (README, "Aftercare template").
    public static let extraFields: [(name: String, meaning: String)] = [
        ("paper", "the CSS page size from [aftercare] paper: A4 or letter"),
        ("face_outline", "the face and neck outline with the treated zones marked (SVG; write {{{face_outline}}})"),
    ]
    /// Inside `{{#zones}}`, beyond name and depth_range.
    public static let extraZoneFields: [(name: String, meaning: String)] = [
        ("marker", "the zone's number on the face outline"),
        ("on_outline", "true when the zone has a place on the outline"),
    ]

    public static var builtInText: String { DefaultAftercareHTMLTemplate.text + "\n" }

    public static let builtIn: AftercareHTMLTemplate = {
        do {
            return try AftercareHTMLTemplate(text: DefaultAftercareHTMLTemplate.text, file: "built-in")
        } catch {
            preconditionFailure("the built-in HTML aftercare template is broken: \(error)")
        }
    }()

    public init(text original: String, file: String) throws(TemplateError) {
        let text = original.replacingOccurrences(of: "\r\n", with: "\n")
        let fields = Set(AftercareSheet.fields.map(\.name) + Self.extraFields.map(\.name))
        let zoneFields = AftercareSheet.zoneFields.union(Self.extraZoneFields.map(\.name))
        try TemplateTags.check(text, file: file, fields: fields, zoneFields: zoneFields, unescaped: ["face_outline"])
        do {
            template = try MustacheTemplate(string: text)
        } catch let error as MustacheTemplate.ParserError {
            throw TemplateError(file: file, line: error.context.lineNumber, message: TemplateTags.explain(error.error))
        } catch {
            throw TemplateError(file: file, line: 1, message: "cannot be read as a Mustache template")
        }
        source = file
    }

    /// The page as HTML.
    public func render(_ sheet: AftercareSheet) -> String {
        template.render(Self.context(sheet))
    }

    static func context(_ sheet: AftercareSheet) -> [String: Any] {
        var values = sheet.context
        values["paper"] = sheet.settings.paper == .a4 ? "A4" : "letter"
        let numbered = sheet.zones.enumerated().map { (offset, zone) in (zone, offset + 1) }
        values["zones"] = numbered.map { zone, number -> [String: Any] in
            [
                "name": zone.name, "depth_range": zone.depthRange, "marker": number,
                "on_outline": FaceOutline.places[zone.id] != nil,
            ]
        }
        values["face_outline"] = FaceOutline.svg(
            numbered.map { zone, number in
                (id: zone.id, number: number, depth: zone.depthRange)
            })
        return values
    }
}

/// The typeset sheet's HTML as it will go to the renderer, and what to tell the technician if
/// the clinic's template had to be set aside (the built-in one is used then: never a blank page).
public struct RenderedHTMLSheet: Equatable, Sendable {
    public var html: String
    public var warning: String?

    public init(sheet: AftercareSheet, clinic: Result<AftercareHTMLTemplate, TemplateError>?) {
        switch clinic {
        case .success(let template):
            let html = template.render(sheet)
            if !html.allSatisfy(\.isWhitespace) {
                self.html = html
                warning = nil
                return
            }
            warning = "\(template.source): the template gave an empty sheet; used the built-in sheet instead"
        case .failure(let error):
            warning = "\(error); used the built-in sheet instead"
        case nil:
            warning = nil
        }
        html = AftercareHTMLTemplate.builtIn.render(sheet)
    }
}
