import ChairsideCore
import ChairsidePrinting
import Foundation

/// The sheet on screen before it goes out: the text as it will print, and where the technician has scrolled.
public struct SheetPreview: Equatable, Sendable {
    public var text: String
    /// The page the printer and a `.pdf` save get.
    public var html: String
    public var lines: [String]
    public var scroll = 0
    /// Set when the clinic's template could not be used and the built-in sheet stands in.
    public var warning: String?
    /// The aftercare is already recorded: printing or saving records a copy, handed/declined do not apply.
    public var reprint: Bool

    public init(rendered: RenderedSheet, page: RenderedHTMLSheet, reprint: Bool) {
        text = rendered.text
        html = page.html
        lines = rendered.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        warning = rendered.warning ?? page.warning
        self.reprint = reprint
    }

    var document: SheetDocument { SheetDocument(text: text, html: html) }

    enum Action: Sendable { case up, down, pageUp, pageDown, top, bottom, print, save, handed, declined, back, help }

    static func keys(_ p: SheetPreview) -> KeyTable<Action> {
        var list = [
            KeyBinding(.char("p"), "p", p.reprint ? "print a copy" : "print", Action.print),
            KeyBinding(.char("s"), "s", p.reprint ? "save a copy" : "save", .save),
        ]
        if !p.reprint {
            list += [
                KeyBinding(.char("h"), "h", "handed", .handed), KeyBinding(.char("d"), "d", "declined", .declined),
            ]
        }
        list += [
            KeyBinding(
                "↑↓ PgUp PgDn", "scroll",
                [
                    (.up, .up), (.char("k"), .up), (.down, .down), (.char("j"), .down),
                    (.pageUp, .pageUp), (.pageDown, .pageDown), (.char(" "), .pageDown),
                ]),
            KeyBinding("Home End", "top / bottom", hint: false, [(.home, .top), (.end, .bottom)]),
            CommonKeys.help(.help),
            KeyBinding("Esc", "back", [(.escape, .back), (.char("q"), .back)]),
        ]
        return KeyTable(list)
    }

    /// Rows of sheet text the preview shows at this screen height.
    static func page(height: Int) -> Int { max(1, height - 7) }

    static func open(_ s: SessionScreen, _ m: inout AppModel) {
        let sheet = AftercareSheet(
            state: s.state, history: s.state.withOwnRef(s.history), config: m.config, timeZone: m.timeZone)
        let rendered = RenderedSheet(sheet: sheet, clinic: m.env.template, measure: DisplayWidth.of)
        let page = RenderedHTMLSheet(sheet: sheet, clinic: m.env.htmlTemplate)
        let preview = SheetPreview(rendered: rendered, page: page, reprint: s.state.aftercare != nil)
        m.overlay = .sheet(preview)
        if let warning = preview.warning { m.say(warning, .warning) }
    }

    static func update(_ key: Key, _ preview: SheetPreview, _ m: inout AppModel, now: Date) -> [Effect] {
        var p = preview
        guard let action = keys(p).action(for: key) else {
            if case .char = key {
                m.say(
                    "\(key.label) does nothing here; p print · s save" + (p.reprint ? "" : " · h handed · d declined")
                        + " · Esc back.")
            }
            return []
        }
        let page = page(height: m.height)
        let last = max(0, p.lines.count - page)
        switch action {
        case .back:
            m.overlay = nil
            return []
        case .help: m.helpOpen = true
        case .up: p.scroll = max(0, p.scroll - 1)
        case .down: p.scroll = min(last, p.scroll + 1)
        case .pageUp: p.scroll = max(0, p.scroll - page)
        case .pageDown: p.scroll = min(last, p.scroll + page)
        case .top: p.scroll = 0
        case .bottom: p.scroll = last
        case .print: return print(p, &m, now: now)
        case .save:
            let id = m.session?.state.id ?? "sheet"
            m.overlay = .form(OpenForm(SaveSheetForm(path: m.env.aftercareFolder + "/\(id).pdf")))
            m.savingSheet = p
            return []
        case .handed:
            m.overlay = nil
            return Recording.record(.recordAftercare(.handedPrePrinted), &m, now: now)
        case .declined:
            m.overlay = .form(OpenForm(TextEntryForm(.aftercareDeclined)))
            return []
        }
        m.overlay = .sheet(p)
        return []
    }

    /// Sends the sheet to CUPS off the loop; the console keeps going, and the job is recorded when
    /// CUPS answers. A second print while one is under way is refused.
    static func print(_ p: SheetPreview, _ m: inout AppModel, now: Date) -> [Effect] {
        guard let s = m.session else { return [] }
        if m.printing != nil {
            m.say("This sheet is already printing; wait for it to finish before printing again.", .warning)
            return []
        }
        do {
            try s.state.checkAftercareAllowed(context: s.context(m), now: now)
        } catch {
            m.say(Recording.refusalText(error), .warning)
            return []
        }
        m.printing = PrintRequest(sessionID: s.state.id)
        m.say("Printing…")
        return [.printAftercare(p.document, queue: m.env.queue, paper: m.config.aftercare.paper)]
    }

    /// CUPS took the job: record it in the session it was printed for.
    static func printed(_ job: PrintJob, note: String?, _ m: inout AppModel, now: Date) -> [Effect] {
        let request = m.printing
        m.printing = nil
        guard let s = m.session, s.state.id == request?.sessionID else {
            m.say(
                "Printed as job \(Visible.text(job.jobID)), but its session is no longer open: record it from the session.",
                .warning)
            return []
        }
        do {
            return try Recording.recordOrThrow(
                s.state.aftercareCommand(.printed(printer: job.printer, jobID: job.jobID)),
                &m, now: now, as: .printed(job, note: note))
        } catch {
            m.say(
                "Printed as job \(Visible.text(job.jobID)), but it could not be recorded: \(Recording.refusalText(error))",
                .danger)
            return []
        }
    }

    static func printFailed(_ failure: Failure, _ m: inout AppModel) {
        m.printing = nil
        let reprint = m.session?.state.aftercare != nil
        let others =
            reprint ? "you can also save a copy (s)." : "you can also save (s) or hand a pre-printed sheet (h)."
        m.say("Not printed: \(failure.message) Nothing was recorded; \(others)", .danger)
    }

    /// The file is written: record it as the aftercare (or a saved copy).
    static func saved(_ path: String, _ m: inout AppModel, now: Date) -> [Effect] {
        m.savingSheet = nil
        guard let s = m.session else { return [] }
        do {
            return try Recording.recordOrThrow(
                s.state.aftercareCommand(.saved(file: path)), &m, now: now, as: .saved(path: path))
        } catch {
            Recording.failed(Failure(.append, Recording.refusalText(error), isRefusal: true), &m)
            return []
        }
    }
}
