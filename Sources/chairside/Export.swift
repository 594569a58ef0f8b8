import ArgumentParser
import ChairsideCore
import ChairsideStore
import Foundation

struct Export: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, fhir
    }

    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export sessions from a date range: CSV (a row per session, or per pass) or a FHIR R4 bundle.",
        discussion: """
            CSV column names are stable and listed in the README; --excel adds a byte-order mark so a
            spreadsheet opens accented and CJK names correctly on a double-click. --format fhir writes a
            FHIR R4 Bundle (type collection) with a Patient, a Procedure and depth Observations per session.
            Dates are the clinic's local days. With --output the file is written whole or not at all.
            """
    )

    @OptionGroup var options: StoreOptions

    @Option(help: ArgumentHelp("The first day.", valueName: "YYYY-MM-DD"))
    var from: String

    @Option(help: ArgumentHelp("The last day (included).", valueName: "YYYY-MM-DD"))
    var to: String

    @Option(help: "The format: csv or fhir.")
    var format: Format = .csv

    @Flag(help: "CSV: one row per logged pass instead of one per session.")
    var passes = false

    @Flag(help: "CSV: UTF-8 with a byte-order mark and CRLF line ends, for Excel and LibreOffice on a double-click.")
    var excel = false

    @Option(
        help: ArgumentHelp(
            "Write to this file (durably, whole or not at all) instead of standard output.",
            valueName: "file"))
    var output: String?

    func validate() throws {
        guard let first = ClinicDay(string: from) else {
            throw ValidationError("--from must be a real day written YYYY-MM-DD.")
        }
        guard let last = ClinicDay(string: to) else {
            throw ValidationError("--to must be a real day written YYYY-MM-DD.")
        }
        guard first <= last else { throw ValidationError("--from (\(from)) is after --to (\(to)).") }
        if format == .fhir && (passes || excel) { throw ValidationError("--passes and --excel are for --format csv.") }
    }

    func run() throws {
        let now = Date()
        let store = try options.openStore(today: now, access: .read)
        let sessions = try store.sessions(from: ClinicDay(string: from)!, through: ClinicDay(string: to)!)
        let text: String
        switch format {
        case .fhir:
            let config = try options.loadConfig()
            var inputs: [FHIRSessionInput] = []
            for s in sessions {
                let state: SessionState
                do { state = try store.loadSession(id: s.id) } catch { throw Failure("\(error)") }
                inputs.append(
                    FHIRSessionInput(
                        state: state, patient: store.directory.patient(id: s.patientID),
                        history: state.withOwnRef(store.history(of: s.patientID))))
            }
            text = try FHIRBundle.make(
                inputs, config: config, generatedAt: now, timeZone: options.timeZone, lots: try store.lotRegister()
            ).text()
        case .csv where passes:
            var out = CSV.line(SessionExport.passColumns)
            for s in sessions {
                let state: SessionState
                do { state = try store.loadSession(id: s.id) } catch { throw Failure("\(error)") }
                for row in SessionExport.passRows(state, timeZone: options.timeZone) { out += CSV.line(row) }
            }
            text = excel ? CSV.excel(out) : out
        case .csv:
            let anchors = try store.anchors(of: sessions, timeZone: options.timeZone)
            let out = SessionExport.sessionsCSV(
                sessions, chartNumber: store.directory.chartNumber(of:), dayAnchor: { anchors[$0] ?? "" },
                timeZone: options.timeZone, now: now)
            text = excel ? CSV.excel(out) : out
        }
        guard let output else {
            print(text, terminator: "")
            return
        }
        let path = StoreOptions.absolute(output)
        do {
            try store.saveExport(Data(text.utf8), to: path)
        } catch {
            throw Failure("Not exported: \(error)")
        }
        print("Exported \(sessions.count) session\(sessions.count == 1 ? "" : "s") to \(path).")
    }
}
