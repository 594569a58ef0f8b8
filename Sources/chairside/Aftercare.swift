import ArgumentParser
import ChairsideCore
import ChairsidePrinting
import ChairsideStore
import ChairsideTerminal
import Foundation

struct Aftercare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aftercare",
        abstract: "Write, print or save a session's aftercare sheet.",
        discussion: """
            Without --print or --output the text sheet goes to standard output and nothing is recorded.
            --print prints the typeset sheet (a PDF made by WeasyPrint) through CUPS; --text prints the
            text sheet instead. --output FILE.pdf saves the typeset sheet, FILE.txt the text.
            Printing and saving are recorded in the session: as its aftercare if none is recorded
            yet, otherwise as a copy. --template and --html-template print the built-in templates to
            start your own (save them as aftercare.mustache and aftercare.html.mustache beside config.toml).
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The session ID, as `chairside today` lists it.")
    var id: String?

    @Flag(name: .customLong("print"), help: "Print through CUPS (lp).")
    var sendToPrinter = false

    @Option(
        help: ArgumentHelp(
            "The CUPS queue (default: clinic.printer from the config, else the system default).", valueName: "name"))
    var printer: String?

    @Option(
        help: ArgumentHelp(
            "Save the sheet to this file: .pdf the typeset sheet, .txt the text.",
            valueName: "file"))
    var output: String?

    @Flag(help: "With --print: print the text sheet instead of the typeset PDF.")
    var text = false

    @Option(
        help: ArgumentHelp(
            "Who hands the sheet out, for the record (default: the session's technician).", valueName: "name"))
    var by: String?

    @Flag(help: "Print the built-in text template and exit.")
    var template = false

    @Flag(name: .customLong("html-template"), help: "Print the built-in typeset (HTML) template and exit.")
    var htmlTemplate = false

    /// What --output saves, by its extension.
    var outputIsPDF: Bool { output.map { ($0 as NSString).pathExtension.lowercased() == "pdf" } ?? false }

    func validate() throws {
        if template || htmlTemplate { return }
        guard id != nil else { throw ValidationError("Give a session ID (see `chairside today`), or --template.") }
        if printer != nil && !sendToPrinter { throw ValidationError("--printer needs --print.") }
        if text && !sendToPrinter {
            throw ValidationError("--text goes with --print (for a text file, use --output FILE.txt).")
        }
        if let output, !["pdf", "txt"].contains((output as NSString).pathExtension.lowercased()) {
            throw ValidationError("--output must end in .pdf (the typeset sheet) or .txt (the text sheet).")
        }
    }

    func run() throws {
        if template {
            print(AftercareTemplate.builtInText, terminator: "")
            return
        }
        if htmlTemplate {
            print(AftercareHTMLTemplate.builtInText, terminator: "")
            return
        }
        let id = id!
        let config = try options.loadConfig()
        let store = try options.openStore(access: sendToPrinter || output != nil ? .write : .read)
        let loaded: SessionState
        do { loaded = try store.loadSession(id: id) } catch { throw Failure("\(error)") }
        // Not even the text to standard output: a sheet for a paper session would say no passes were done.
        if loaded.isPaperRecord { throw Failure(Refusal.paperHistory.description) }
        let patientID = loaded.start?.patientID ?? ""
        let history = loaded.withOwnRef(store.history(of: patientID))
        let sheet = AftercareSheet(state: loaded, history: history, config: config, timeZone: options.timeZone)
        let rendered = RenderedSheet(sheet: sheet, clinic: options.loadAftercareTemplate())
        if let warning = rendered.warning { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }

        guard sendToPrinter || output != nil else {
            print(rendered.text, terminator: rendered.text.hasSuffix("\n") ? "" : "\n")
            return
        }
        let writer: SessionWriter
        do { writer = try store.openSession(id: id) } catch { throw Failure("\(error)") }
        defer { writer.close() }
        let context = DecisionContext(
            protocolSettings: config.protocolSettings, history: history,
            actor: by ?? writer.state.start?.technician ?? "chairside", timeZone: options.timeZone)
        func record(_ delivery: AftercareDelivery) throws {
            let events = try Decider.decide(
                writer.state.aftercareCommand(delivery), state: writer.state, context: context, now: Date())
            try store.append(events, to: writer)
        }
        do {
            try writer.state.checkAftercareAllowed(context: context, now: Date())
        } catch {
            throw Failure("\(error)")
        }
        // Typeset before anything is recorded: a missing renderer leaves the session as it was.
        var pdf: Data?
        if outputIsPDF || (sendToPrinter && !text) {
            do {
                let typeset = try SheetTypesetter(baseFolder: options.configFolder)
                    .pdf(sheet, clinic: options.loadAftercareHTMLTemplate())
                if let warning = typeset.warning { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
                pdf = typeset.pdf
            } catch {
                throw Failure(
                    "Nothing printed or saved: \(error) "
                        + "The text sheet still works: --output FILE.txt, or --print --text.")
            }
        }
        if let output {
            let path = StoreOptions.absolute(output)
            do {
                if let pdf, outputIsPDF {
                    try store.saveAftercare(pdf, to: path, sessionID: id)
                } else {
                    try store.saveAftercare(rendered.text, to: path, sessionID: id)
                }
                try record(.saved(file: path))
            } catch {
                throw Failure("Not saved: \(error)")
            }
            print("Saved to \(path) and recorded in session \(id).")
        }
        if sendToPrinter {
            let job: PrintJob
            do {
                let cups = CUPSPrinter()
                if let pdf, !text {
                    job = try cups.printPDF(pdf, printer: printer ?? config.printer, paper: config.aftercare.paper)
                } else {
                    job = try cups.print(
                        rendered.text, printer: printer ?? config.printer,
                        paper: config.aftercare.paper)
                }
            } catch {
                throw Failure("Not printed: \(error)")
            }
            do {
                try record(.printed(printer: job.printer, jobID: job.jobID))
            } catch {
                throw Failure("Printed as job \(job.jobID), but it could not be recorded: \(error)")
            }
            print("Printed on \(job.printer) (job \(job.jobID)) and recorded in session \(id).")
        }
    }
}
