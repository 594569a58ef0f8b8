import ArgumentParser
import ChairsideCore
import ChairsideStore
import ChairsideTerminal
import Foundation

struct Today: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "today",
        abstract: "List a day's sessions (today by default).")

    @OptionGroup var options: StoreOptions

    @Option(help: ArgumentHelp("The day to list.", valueName: "YYYY-MM-DD"))
    var date: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Print CSV (the export's session columns, see README) instead of a table.")
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("Choose one of --json and --csv.") }
    }

    func run() throws {
        let now = Date()
        var day = ClinicDay(now, timeZone: options.timeZone)
        if let date {
            guard let d = ClinicDay(string: date) else { throw ValidationError("--date must be a real day written YYYY-MM-DD, e.g. 2026-11-21.") }
            day = d
        }
        let store = try options.openStore(today: now)
        let sessions = try store.sessions(on: day)
        if json {
            print(String(decoding: try JSONCoding.encoder(pretty: true).encode(sessions), as: UTF8.self))
        } else if csv {
            print(SessionExport.sessionsCSV(sessions, chartNumber: store.directory.chartNumber(of:),
                                            timeZone: options.timeZone, now: now), terminator: "")
        } else {
            print(Reports.day(day, sessions: sessions, now: now, timeZone: options.timeZone), terminator: "")
        }
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one session's record and timeline.")

    @OptionGroup var options: StoreOptions

    @Argument(help: "The session ID, as `chairside today` lists it.")
    var id: String

    @Flag(help: "Print the events as JSON.")
    var json = false

    func run() throws {
        let config = try options.loadConfig()
        let store = try options.openStore()
        let state: SessionState
        do {
            state = try store.loadSession(id: id)
        } catch {
            throw Failure("\(error)")
        }
        if json {
            print(String(decoding: try JSONCoding.encoder(pretty: true).encode(state.events), as: UTF8.self))
        } else {
            let patient = state.start.flatMap { store.directory.patient(id: $0.patientID) }
            print(Reports.session(state, patient: patient, proto: config.protocolSettings, now: Date(), timeZone: options.timeZone), terminator: "")
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify the whole store; repair, quarantine and report. Exits 1 on damage.",
        discussion: "Journals unchanged since the last check are not read again; --full reads everything, on every core.")

    @OptionGroup var options: StoreOptions

    @Flag(help: "Read every journal again, ignoring what earlier checks verified.")
    var full = false

    func run() throws {
        let store = try options.openStore()
        let opening = store.report
        let report = try store.check(full: full) { FileHandle.standardError.write(Data("check: \($0)\n".utf8)) }
        let findings = opening.findings + report.findings
        for f in findings { print(f.text) }
        let (days, sessions) = store.lastCheckCounts
        print("Checked \(store.root): \(days) day\(days == 1 ? "" : "s"), \(sessions) session\(sessions == 1 ? "" : "s"), \(store.directory.count) patients.")
        if findings.contains(where: \.isDamage) {
            print("Damage found: originals are in quarantine/ with a report beside each.")
            throw ExitCode(1)
        }
        print("No damage.")
    }
}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Fill the store with a realistic sample day, for trying Chairside out.",
        discussion: "With --years, writes a synthetic clinic of that age instead (for benchmarks): an empty store is required.")

    @OptionGroup var options: StoreOptions

    @Option(help: ArgumentHelp("Years of working days to generate (0 is today only).", valueName: "n"))
    var years: Double?

    @Option(name: .customLong("per-day"), help: "Sessions per working day with --years.")
    var perDay = 20

    @Option(help: "Patients in the directory with --years (default: 4,000 a year, at least 1,000).")
    var patients: Int?

    func run() throws {
        let config = try options.loadConfig()
        let store = try options.openStore()
        if let years {
            guard years >= 0, years <= 20, perDay > 0, perDay <= 200, (patients ?? 2) >= 2 else {
                throw Failure("--years must be 0–20, --per-day 1–200 and --patients at least 2.")
            }
            guard store.directory.count == 0, store.allDays().isEmpty else {
                throw Failure("The store at \(store.root) is not empty; give --store an empty folder for a synthetic clinic.")
            }
            var clinic = SyntheticClinic(years: years, patients: patients)
            clinic.sessionsPerDay = perDay
            let summary = try clinic.generate(into: store, config: config, now: Date(), timeZone: options.timeZone) { print($0) }
            print("Wrote \(summary) to \(store.root). Patient \(summary.regularChart) has the longest history.")
            return
        }
        let count = try DemoClinic.fill(store, config: config, now: Date(), timeZone: options.timeZone)
        print("Wrote \(count) sample sessions (history and today) to \(store.root).")
    }
}
