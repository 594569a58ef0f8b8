import ArgumentParser
import ChairsideCore
import ChairsideStore
import Foundation

struct ImportHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-history",
        abstract: "Bring past sessions in from paper records (a CSV; columns in README).",
        discussion: """
            Each good row becomes a completed session, marked as a late entry, in one durable write; \
            patients the store lacks are created. Bad rows are reported by line number and nothing of \
            them is written; a patient's second session on the same day is reported and skipped, so \
            running the same file again adds nothing.
            """)

    @OptionGroup var options: StoreOptions

    @Argument(help: "The CSV file.")
    var file: String

    @Flag(help: "List what would be done, and write nothing.")
    var dryRun = false

    func run() throws {
        let config = try options.loadConfig()
        let now = Date()
        let today = ClinicDay(now, timeZone: options.timeZone)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
            let size = attributes[.size] as? Int
        else { throw Failure("Cannot read \(file): check the path.") }
        if attributes[.type] as? FileAttributeType == .typeDirectory {
            throw Failure("\(file) is a folder: give the CSV file itself (e.g. \(file)/history.csv).")
        }
        guard size <= HistoryCSV.maxBytes else {
            throw Failure("\(file) is over \(HistoryCSV.maxBytes / 1_048_576) MB: split it and import the parts.")
        }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
        else { throw Failure("\(file) is not UTF-8 text: save it from the spreadsheet as \"CSV UTF-8\".") }
        let parsed: (rows: [HistoryRow], problems: [HistoryProblem])
        do {
            parsed = try HistoryCSV.parse(text, proto: config.protocolSettings, today: today)
        } catch {
            throw Failure("\(file): \(error)")
        }
        let steps: [HistoryImportStep]
        var store: Store?
        if dryRun && !FileManager.default.fileExists(atPath: StoreLocation.resolve(options.store)) {
            // No store yet: every patient would be new. Planned against an empty scratch store, so
            // a dry run still creates nothing where the store will be.
            let scratch = NSTemporaryDirectory() + "chairside-dry-run-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let empty = try Store(
                root: scratch, timeZone: options.timeZone, today: today, access: .create)
            steps = empty.planHistoryImport(parsed.rows)
        } else {
            // A real import creates the store when it is the clinic's first step.
            try options.settings.refuseAForeignFolder()
            let opened = try options.openStore(today: now, access: dryRun ? .read : .create)
            steps = opened.planHistoryImport(parsed.rows)
            store = opened
        }
        let source = (file as NSString).lastPathComponent
        // A new patient is named new on their first row only; later rows are theirs already.
        var announced: Set<String> = []
        let report = { (step: HistoryImportStep) in
            let chart = Visible.text(step.patient.chartNumber)
            switch step.action {
            case .record(let newPatient):
                print(
                    "line \(step.row.line): \(dryRun ? "would record" : "recorded") the session of \(step.row.day) "
                        + "for chart \(chart)"
                        + (newPatient && announced.insert(step.patient.id).inserted ? " (new patient)" : ""))
            case .duplicate(let earlier):
                print(
                    "line \(step.row.line): skipped, chart \(chart) already has a session on \(step.row.day)"
                        + (earlier.map { " (line \($0) of this file)" } ?? " in the store"))
            }
        }
        if let store, !dryRun {
            try store.applyHistoryImport(steps, source: source, done: report)
        } else {
            steps.forEach(report)
        }
        for problem in parsed.problems { FileHandle.standardError.write(Data("error: \(problem)\n".utf8)) }
        let recorded = steps.filter { if case .record = $0.action { true } else { false } }.count
        let duplicates = steps.count - recorded
        print(
            "\(dryRun ? "Would record" : "Recorded") \(recorded) session\(recorded == 1 ? "" : "s"); "
                + "\(duplicates) duplicate\(duplicates == 1 ? "" : "s") skipped; "
                + "\(parsed.problems.count) bad row\(parsed.problems.count == 1 ? "" : "s").")
        if let store { options.warnAboutDamage(store) }
        if !parsed.problems.isEmpty {
            throw Failure(
                dryRun
                    ? "Fix the rows named above, then run the import without --dry-run; nothing was written."
                    : "Fix the rows named above and run the import again; the rows already recorded are skipped.")
        }
    }
}
