import ChairsideCore
import Foundation

/// What `import-history` will do with each good row of a paper-history file.
public struct HistoryImportStep: Sendable {
    public enum Action: Sendable, Equatable {
        /// Record the session, creating the patient first when `newPatient`.
        case record(newPatient: Bool)
        /// The same patient already has a session that day (in the store, or earlier in the file).
        case duplicate(earlierLine: Int?)
    }

    public var row: HistoryRow
    public var action: Action
    /// The patient the row names: found in the directory, or the one to create.
    public var patient: Patient
}

extension Store {
    /// The room imported sessions are recorded in: paper history has none.
    public static let paperHistoryRoom = "paper records"

    /// Works out, without writing, what each row would do: whose session it is (by chart number,
    /// else by name and date of birth), whether that patient must be created, and whether the
    /// patient already has a session that day.
    public func planHistoryImport(_ rows: [HistoryRow]) -> [HistoryImportStep] {
        var created: [String: Patient] = [:]  // key -> patient to create, so two rows share one
        var seen: [String: Int] = [:]  // patient id + day -> first line
        var steps: [HistoryImportStep] = []
        for row in rows {
            let key =
                row.chartNumber.isEmpty
                ? "n:" + CompactDirectory.fold(row.name) + "|" + (row.dateOfBirth?.description ?? "")
                : "c:" + CompactDirectory.fold(row.chartNumber)
            var found = existingPatient(for: row) ?? created[key]
            let isNew = found == nil || created[key] != nil
            if found == nil {
                let chart = row.chartNumber.isEmpty ? Self.paperChartNumber(row) : row.chartNumber
                let fresh = Patient(
                    id: "p-" + Self.randomHex(8),
                    name: row.name.isEmpty ? "(name not given, chart \(chart))" : row.name,
                    dateOfBirth: row.dateOfBirth, chartNumber: chart, phone: row.phone)
                created[key] = fresh
                found = fresh
            }
            guard let patient = found else { continue }
            let dayKey = patient.id + "|" + row.day.description
            if let first = seen[dayKey] {
                steps.append(.init(row: row, action: .duplicate(earlierLine: first), patient: patient))
                continue
            }
            seen[dayKey] = row.line
            let already =
                !isNew
                && history(of: patient.id).contains {
                    $0.status != .aborted && ClinicDay($0.startedAt, timeZone: timeZone) == row.day
                }
            steps.append(
                .init(
                    row: row, action: already ? .duplicate(earlierLine: nil) : .record(newPatient: isNew),
                    patient: patient))
        }
        return steps
    }

    /// Records the plan's sessions: each new patient once, then each session as a completed late
    /// entry written in one durable batch (one append, one fsync of all its lines). A crash leaves
    /// every session either whole or absent (a torn batch is cut at the next opening), and a run of
    /// the same file again finds the sessions already there.
    /// `done` hears of each step once it is on disk (a duplicate at once), so what is reported as
    /// recorded always is, even when a later step fails.
    @discardableResult
    public func applyHistoryImport(
        _ steps: [HistoryImportStep], source: String, done: (HistoryImportStep) -> Void = { _ in }
    ) throws -> Int {
        try requireWritable()
        var saved: Set<String> = []
        var recorded = 0
        for step in steps {
            guard case .record(let newPatient) = step.action else {
                done(step)
                continue
            }
            if newPatient && !saved.contains(step.patient.id) && directory.patient(id: step.patient.id) == nil {
                try savePatient(step.patient)
            }
            saved.insert(step.patient.id)
            let at = Timestamp.truncated(HistoryCSV.startTime(step.row, timeZone: timeZone))
            let events = HistoryCSV.events(
                step.row, patient: step.patient, at: at, room: Self.paperHistoryRoom,
                source: "\(source) line \(step.row.line)")
            let writer = try beginSession(
                id: Self.newSessionID(startedAt: at, timeZone: timeZone), events: events, lateEntry: true)
            writer.close()
            recorded += 1
            done(step)
        }
        return recorded
    }

    private func existingPatient(for row: HistoryRow) -> Patient? {
        if !row.chartNumber.isEmpty { return directory.patients(chartNumber: row.chartNumber).first }
        let name = CompactDirectory.fold(row.name)
        return directory.search(row.name, limit: 200).first {
            CompactDirectory.fold($0.name) == name && $0.dateOfBirth == row.dateOfBirth
        }
    }

    /// A chart number for a patient the paper gives only by name and birth date: stable for the
    /// same person, so the clinic can find and correct it later.
    static func paperChartNumber(_ row: HistoryRow) -> String {
        let text = CompactDirectory.fold(row.name) + "|" + (row.dateOfBirth?.description ?? "")
        return "PAPER-" + String(JournalLine.hash(Data(text.utf8)).prefix(8)).uppercased()
    }
}
