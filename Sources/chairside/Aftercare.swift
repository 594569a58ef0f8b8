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
            Without --print or --output the sheet goes to standard output and nothing is recorded.
            Printing and saving are recorded in the session: as its aftercare if none is recorded
            yet, otherwise as a copy. --template prints the built-in template to start your own
            (save it as aftercare.mustache beside config.toml).
            """
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The session ID, as `chairside today` lists it.")
    var id: String?

    @Flag(name: .customLong("print"), help: "Print through CUPS (lp).")
    var sendToPrinter = false

    @Option(help: ArgumentHelp("The CUPS queue (default: clinic.printer from the config, else the system default).", valueName: "name"))
    var printer: String?

    @Option(help: ArgumentHelp("Save the sheet to this file.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Who hands the sheet out, for the record (default: the session's technician).", valueName: "name"))
    var by: String?

    @Flag(help: "Print the built-in template and exit.")
    var template = false

    func validate() throws {
        if template { return }
        guard id != nil else { throw ValidationError("Give a session ID (see `chairside today`), or --template.") }
        if printer != nil && !sendToPrinter { throw ValidationError("--printer needs --print.") }
    }

    func run() throws {
        if template {
            print(AftercareTemplate.builtInText, terminator: "")
            return
        }
        let id = id!
        let config = try options.loadConfig()
        let store = try options.openStore()
        let loaded: SessionState
        do { loaded = try store.loadSession(id: id) } catch { throw Failure("\(error)") }
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
        let context = DecisionContext(protocolSettings: config.protocolSettings, history: history,
                                      actor: by ?? writer.state.start?.technician ?? "chairside")
        func record(_ delivery: AftercareDelivery) throws {
            let events = try Decider.decide(writer.state.aftercareCommand(delivery), state: writer.state, context: context, now: Date())
            try store.append(events, to: writer)
        }
        do {
            try writer.state.checkAftercareAllowed(context: context, now: Date())
        } catch {
            throw Failure("\(error)")
        }
        if let output {
            let path = output.hasPrefix("/") ? output : FileManager.default.currentDirectoryPath + "/" + output
            do {
                try store.saveAftercare(rendered.text, to: path)
                try record(.saved(file: path))
            } catch {
                throw Failure("Not saved: \(error)")
            }
            print("Saved to \(path) and recorded in session \(id).")
        }
        if sendToPrinter {
            let job: PrintJob
            do {
                job = try CUPSPrinter().print(rendered.text, printer: printer ?? config.printer, paper: config.aftercare.paper)
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
