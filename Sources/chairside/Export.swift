import ArgumentParser
import ChairsideCore
import ChairsideStore
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export sessions from a date range as CSV: one row per session, or per pass with --passes.",
        discussion: "Column names are stable and listed in the README. Dates are the clinic's local days."
    )

    @OptionGroup var options: StoreOptions

    @Option(help: ArgumentHelp("The first day.", valueName: "YYYY-MM-DD"))
    var from: String

    @Option(help: ArgumentHelp("The last day (included).", valueName: "YYYY-MM-DD"))
    var to: String

    @Option(help: "The format: csv.")
    var format = "csv"

    @Flag(help: "One row per logged pass instead of one per session.")
    var passes = false

    func validate() throws {
        guard format == "csv" else { throw ValidationError("--format must be csv (the only export format so far).") }
        guard let first = ClinicDay(string: from) else { throw ValidationError("--from must be a real day written YYYY-MM-DD.") }
        guard let last = ClinicDay(string: to) else { throw ValidationError("--to must be a real day written YYYY-MM-DD.") }
        guard first <= last else { throw ValidationError("--from (\(from)) is after --to (\(to)).") }
    }

    func run() throws {
        let now = Date()
        let store = try options.openStore(today: now)
        let sessions = try store.sessions(from: ClinicDay(string: from)!, through: ClinicDay(string: to)!)
        if passes {
            var out = CSV.line(SessionExport.passColumns)
            for s in sessions {
                let state: SessionState
                do { state = try store.loadSession(id: s.id) } catch { throw Failure("\(error)") }
                for row in SessionExport.passRows(state, timeZone: options.timeZone) { out += CSV.line(row) }
            }
            print(out, terminator: "")
        } else {
            print(SessionExport.sessionsCSV(sessions, chartNumber: store.directory.chartNumber(of:),
                                            timeZone: options.timeZone, now: now), terminator: "")
        }
    }
}
