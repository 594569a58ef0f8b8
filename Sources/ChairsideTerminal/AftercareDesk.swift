import ChairsideCore
import ChairsidePrinting

/// What the console needs to hand out aftercare: the clinic's template (or why it could not
/// be used), the printer program and which queue to send to (nil: the system default).
public struct AftercareDesk {
    public var template: Result<AftercareTemplate, TemplateError>?
    public var printer: CUPSPrinter
    public var queue: String?

    public init(template: Result<AftercareTemplate, TemplateError>? = nil, printer: CUPSPrinter = CUPSPrinter(), queue: String? = nil) {
        self.template = template; self.printer = printer; self.queue = queue
    }
}

/// The sheet on screen before it goes out: the text as it will print, and where the technician has scrolled.
public struct SheetPreview: Equatable {
    public var text: String
    public var lines: [String]
    public var scroll = 0
    /// Set when the clinic's template could not be used and the built-in sheet stands in.
    public var warning: String?
    /// The aftercare is already recorded: printing or saving records a copy, handed/declined do not apply.
    public var reprint: Bool

    public init(rendered: RenderedSheet, reprint: Bool) {
        text = rendered.text
        lines = rendered.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        warning = rendered.warning
        self.reprint = reprint
    }
}
