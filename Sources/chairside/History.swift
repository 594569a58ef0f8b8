import ArgumentParser
import ChairsideCore
import ChairsideStore
import ChairsideTerminal
import Foundation

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show a patient's sessions: intervals, series, depth per zone, screening dates.")

    @OptionGroup var options: StoreOptions

    @Argument(help: "The patient's chart number, or words of their name.")
    var patient: String

    @Flag(help: "Print JSON (docs/schema/chairside.schema.json, kind \"patient_history\") instead of a table.")
    var json = false

    func run() throws {
        let config = try options.loadConfig()
        let store = try options.openStore(access: .read)
        // Every room's patients, merges applied: a patient registered in another room is found, and a
        // merged patient's history holds the sessions of all their records.
        let clinic = store.clinicView(lookingUp: patient)
        // Said before the search, which fails when the patient's record is the damaged line.
        let damage = store.journalDamage(.patients)
        damage.warn()
        let found: Patient
        do {
            found = try Self.find(patient, in: clinic.patients)
        } catch let failure as Failure where !damage.isEmpty && failure.description.hasPrefix("No patient matches") {
            throw Failure(
                failure.description + " The patient journal is damaged (see above): the record looked for may be "
                    + "the unreadable part; `chairside check` names it, and `chairside show SESSION-ID` still "
                    + "reads that patient's sessions.")
        }
        if damage.flagged.contains(found.id) {
            FileHandle.standardError.write(
                Data("!! an unreadable line names this patient: a change to their record may be missing.\n".utf8))
        }
        let history = PatientHistory(
            sessions: try clinic.sessions(of: found.id), protocolSettings: config.protocolSettings,
            aftercare: config.aftercare, timeZone: options.timeZone)
        if json {
            print(
                try RecordJSON.history(
                    found, history: history, proto: config.protocolSettings,
                    timeZone: options.timeZone, now: Date()
                ).text(), terminator: "")
        } else {
            print(Reports.history(history, patient: found, config: config, timeZone: options.timeZone), terminator: "")
        }
    }

    /// An exact chart number wins; otherwise the name search must find exactly one patient.
    static func find(_ query: String, in clinic: ClinicPatients) throws -> Patient {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        if let record = clinic.record(trimmed) { return clinic.record(clinic.canonical(record.patient.id))!.patient }
        let hits = clinic.search(trimmed, limit: 10).map(\.patient)
        switch hits.count {
        case 0:
            // The query is not echoed: it is a patient's name or chart number, and this goes to stderr.
            throw Failure("No patient matches that search. Give the chart number or part of the name.")
        case 1: return hits[0]
        default:
            // The candidates are the answer the user asked for: on stdout, never in an error on stderr.
            for p in hits { print("  \(Visible.text(p.chartNumber))  \(Visible.text(p.name))") }
            throw Failure("That search matches the \(hits.count) patients listed above; give the chart number.")
        }
    }
}
