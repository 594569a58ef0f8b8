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

    @Flag(help: "Print JSON (docs/schema/chairside.schema.json, kind \"day\") instead of a table.")
    var json = false

    @Flag(help: "Print CSV (the export's session columns, see README) instead of a table.")
    var csv = false

    @Flag(help: "With --csv: add a byte-order mark so a spreadsheet opens the names correctly.")
    var excel = false

    @Flag(
        name: .customLong("all-rooms"), help: "Include the other rooms' sessions pulled from the replica (read-only).")
    var allRooms = false

    func validate() throws {
        if json && csv { throw ValidationError("Choose one of --json and --csv.") }
        if excel && !csv { throw ValidationError("--excel goes with --csv.") }
        // Here, not in run(): a ValidationError from validate() shows this command's usage, not the root's.
        if let date, ClinicDay(string: date) == nil {
            throw ValidationError("--date must be a real day written YYYY-MM-DD, e.g. 2026-11-21.")
        }
    }

    func run() throws {
        // The config first: its clinic.time_zone decides which day "today" is, and a bad one is said.
        let proto = try options.loadConfig().protocolSettings
        let now = Date()
        var day = ClinicDay(now, timeZone: options.timeZone)
        if let date {
            guard let d = ClinicDay(string: date) else {
                throw ValidationError("--date must be a real day written YYYY-MM-DD, e.g. 2026-11-21.")
            }
            day = d
        }
        let store = try options.openStore(today: now, access: .read)
        let sessions = allRooms ? try store.sessionsInAllRooms(on: day) : try store.sessions(on: day)
        // A merged record's session shows the chart number of the patient it joined; all rooms: any room's patient.
        let chartNumber: (String) -> String
        if allRooms {
            let clinic = store.clinicView().patients
            chartNumber = { clinic.chartNumber(of: $0) }
        } else {
            let directory = store.directory
            chartNumber = { directory.chartNumber(followingMerges: $0) }
        }
        if json {
            let document = RecordJSON.day(
                day, sessions: sessions, chartNumber: chartNumber,
                proto: proto, timeZone: options.timeZone, now: now)
            print(try document.text(), terminator: "")
        } else if csv {
            let anchors = try store.anchors(of: sessions, timeZone: options.timeZone)
            let text = SessionExport.sessionsCSV(
                sessions, chartNumber: chartNumber,
                dayAnchor: { anchors[$0] ?? "" }, timeZone: options.timeZone, now: now)
            print(excel ? CSV.excel(text) : text, terminator: "")
        } else {
            print(Reports.day(day, sessions: sessions, now: now, timeZone: options.timeZone), terminator: "")
            for s in sessions where s.unreadableLines > 0 {
                let lines = s.unreadableLines == 1 ? "1 unreadable line" : "\(s.unreadableLines) unreadable lines"
                print(
                    "! \(s.id): \(lines), kept in place; "
                        + "`chairside show \(s.id)` names them, `chairside check` reports them.")
            }
            for s in sessions where s.endUnreadable {
                let per = s.endStatusPerIndex.map { "\($0.rawValue) (per the day index; the line is unreadable)" }
                print(
                    "! \(s.id): last event unreadable — "
                        + (per ?? "status unknown: it may have been completed or voided")
                        + "; `chairside show \(s.id)` says where the original is.")
            }
            for s in sessions where !s.chainBreaks.isEmpty {
                print(
                    "! \(s.id): the hash chain breaks before event #"
                        + s.chainBreaks.map(String.init).joined(separator: ", #")
                        + ": a line before it was edited, deleted or reordered; `chairside check` reports it.")
            }
        }
        options.warnAboutDamage(store)
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one session's record and timeline.")

    @OptionGroup var options: StoreOptions

    @Argument(help: "The session ID, as `chairside today` lists it.")
    var id: String

    @Flag(help: "Print the session and its events as JSON (docs/schema/chairside.schema.json, kind \"session\").")
    var json = false

    func run() throws {
        let config = try options.loadConfig()
        let store = try options.openStore(access: .read)
        let state: SessionState
        do {
            state = try store.loadSession(id: id)
        } catch {
            throw Failure("\(error)")
        }
        if json {
            let chart = state.start.map { store.directory.chartNumber(of: $0.patientID) } ?? ""
            print(
                try RecordJSON.record(
                    state, chartNumber: chart, proto: config.protocolSettings,
                    timeZone: options.timeZone, now: Date()
                ).text(), terminator: "")
        } else {
            let patient = state.start.flatMap { store.directory.patient(id: $0.patientID) }
            print(
                Reports.session(
                    state, patient: patient, proto: config.protocolSettings, now: Date(), timeZone: options.timeZone),
                terminator: "")
            if !state.unreadable.isEmpty {
                let n = state.unreadable.count
                print(
                    "\n\(n) unreadable line\(n == 1 ? "" : "s"), shown in place above; the rest of the session is "
                        + "read, and `chairside check` reports them.")
            }
        }
        options.warnAboutDamage(store)
    }
}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Fill the store with a realistic sample day, for trying Chairside out.",
        discussion:
            "With --years, writes a synthetic clinic of that age instead (for benchmarks): an empty store is required.")

    @OptionGroup var options: StoreOptions

    @Option(help: ArgumentHelp("Years of working days to generate (0 is today only).", valueName: "n"))
    var years: Double?

    @Option(name: .customLong("per-day"), help: "Sessions per working day with --years.")
    var perDay = 20

    @Option(help: "Patients in the directory with --years (default: 4,000 a year, at least 1,000).")
    var patients: Int?

    func run() throws {
        let config = try options.loadConfig()
        let store = try options.openStore(access: .create)
        if let years {
            guard years >= 0, years <= 20, perDay > 0, perDay <= 200, (patients ?? 2) >= 2 else {
                throw Failure("--years must be 0–20, --per-day 1–200 and --patients at least 2.")
            }
            guard store.directory.count == 0, store.allDays().isEmpty else {
                throw Failure(
                    "The store at \(store.root) is not empty; give --store an empty folder for a synthetic clinic.")
            }
            var clinic = SyntheticClinic(years: years, patients: patients)
            clinic.sessionsPerDay = perDay
            let summary = try clinic.generate(into: store, config: config, now: Date(), timeZone: options.timeZone) {
                print($0)
            }
            print("Wrote \(summary) to \(store.root). Patient \(summary.regularChart) has the longest history.")
            return
        }
        let count = try DemoClinic.fill(store, config: config, now: Date(), timeZone: options.timeZone)
        print("Wrote \(count) sample sessions (history and today) to \(store.root).")
    }
}
