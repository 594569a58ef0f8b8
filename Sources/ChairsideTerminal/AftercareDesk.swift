import ChairsideCore
import ChairsidePrinting

/// What the console needs to hand out aftercare: the clinic's template (or why it could not
/// be used), the printer program and which queue to send to (nil: the system default).
public struct AftercareDesk: Sendable {
    public var template: Result<AftercareTemplate, TemplateError>?
    public var htmlTemplate: Result<AftercareHTMLTemplate, TemplateError>?
    public var printer: CUPSPrinter
    public var typesetter: SheetTypesetter
    public var queue: String?

    public init(
        template: Result<AftercareTemplate, TemplateError>? = nil,
        htmlTemplate: Result<AftercareHTMLTemplate, TemplateError>? = nil, printer: CUPSPrinter = CUPSPrinter(),
        typesetter: SheetTypesetter = SheetTypesetter(), queue: String? = nil
    ) {
        self.template = template
        self.htmlTemplate = htmlTemplate
        self.printer = printer
        self.typesetter = typesetter
        self.queue = queue
    }
}
