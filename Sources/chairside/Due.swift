import ArgumentParser
import ChairsideCore
import ChairsideStore
import ChairsideTerminal
import Foundation

struct Due: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "Patients whose next session falls due: whom the front desk should call.",
        discussion: """
            Each patient's window runs from their last completed session: the protocol interval within \
            the series, maintenance after it (config [aftercare]). Without a flag: due now or overdue. \
            A patient whose series was finished or stopped (`chairside series stop`) is not listed.
            """)

    @OptionGroup var options: StoreOptions

    @Flag(help: "Whom to call this week: due now or overdue, and those whose window opens within 7 days.")
    var week = false

    @Flag(help: "Only those whose window has closed.")
    var overdue = false

    @Flag(help: "Print CSV (columns in README).")
    var csv = false

    @Flag(help: "Print JSON (docs/schema/chairside.schema.json, kind \"due_list\").")
    var json = false

    func validate() throws {
        if week && overdue { throw ValidationError("Choose --week or --overdue, not both.") }
        if csv && json { throw ValidationError("Choose --csv or --json, not both.") }
    }

    func run() throws {
        let config = try options.loadConfig()
        let now = Date()
        let today = ClinicDay(now, timeZone: options.timeZone)
        let store = try options.openStore(today: now, access: .read)
        let scope: DueList.Scope = week ? .week : overdue ? .overdue : .due
        let list = store.dueList(
            today: today, proto: config.protocolSettings, settings: config.aftercare, scope: scope)
        if csv {
            var out = CSV.line(DueList.csvColumns)
            for e in list { out += CSV.line(DueList.csvRow(e, settings: config.aftercare)) }
            print(out, terminator: "")
        } else if json {
            print(
                try RecordJSON.due(list, scope: scope.rawValue, today: today, settings: config.aftercare).text(),
                terminator: "")
        } else {
            print(Reports.due(list, scope: scope, today: today, settings: config.aftercare), terminator: "")
        }
        options.warnAboutDamage(store)
    }
}

struct Series: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "series",
        abstract: "Record a patient's choice about their series.",
        subcommands: [SeriesStopCommand.self])
}

struct SeriesStopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Record that a patient finished or stopped their series: they leave the due list.",
        discussion: "A later session brings them back; recording it again replaces the earlier choice.")

    @OptionGroup var options: StoreOptions

    @Argument(help: "The patient's chart number, or words of their name.")
    var patient: String

    @Option(help: "Why (the patient's words, or \"series complete\").")
    var reason: String

    @Flag(help: "The series ended as planned (default: stopped early).")
    var finished = false

    func run() throws {
        let trimmed = reason.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw Failure("Give a reason with --reason: why the series ended.") }
        let now = Date()
        let store = try options.openStore(today: now, access: .write)
        let found = try History.find(patient, in: store.clinicView().patients)
        let stop = SeriesStop(
            outcome: finished ? .finished : .stopped, on: ClinicDay(now, timeZone: options.timeZone), reason: trimmed)
        try store.recordSeriesStop(of: found, stop)
        print("Recorded: chart \(Visible.text(found.chartNumber)) \(stop.outcome.rawValue) the series on \(stop.on).")
    }
}
