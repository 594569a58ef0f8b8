import ChairsideCore
import ChairsidePrinting

/// What the console needs to hand out aftercare: the clinic's template (or why it could not
/// be used), the printer program and which queue to send to (nil: the system default).
public struct AftercareDesk: Sendable {
    public var template: Result<AftercareTemplate, TemplateError>?
    public var printer: CUPSPrinter
    public var queue: String?

    public init(template: Result<AftercareTemplate, TemplateError>? = nil, printer: CUPSPrinter = CUPSPrinter(),
                queue: String? = nil) {
        self.template = template
        self.printer = printer
        self.queue = queue
    }
}
