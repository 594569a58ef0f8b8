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

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let config = try options.loadConfig()
        let store = try options.openStore()
        let found = try Self.find(patient, in: store.directory)
        let history = PatientHistory(sessions: try store.historySummaries(of: found.id), protocolSettings: config.protocolSettings,
                                     aftercare: config.aftercare)
        if json {
            let report = HistoryJSON(patient: found, history: history)
            print(String(decoding: try JSONCoding.encoder(pretty: true).encode(report), as: UTF8.self))
        } else {
            print(Reports.history(history, patient: found, config: config, timeZone: options.timeZone), terminator: "")
        }
    }

    /// An exact chart number wins; otherwise the name search must find exactly one patient.
    static func find(_ query: String, in directory: PatientDirectory) throws -> Patient {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        if let exact = directory.patients(chartNumber: trimmed).first { return exact }
        let hits = directory.search(trimmed, limit: 10)
        switch hits.count {
        case 0: throw Failure("No patient matches \"\(Visible.text(trimmed))\". Give the chart number or part of the name.")
        case 1: return hits[0]
        default:
            let list = hits.map { "  \(Visible.text($0.chartNumber))  \(Visible.text($0.name))" }.joined(separator: "\n")
            throw Failure("\"\(Visible.text(trimmed))\" matches several patients; give the chart number:\n\(list)")
        }
    }
}

/// `history --json`: the patient, each session with its interval and series place, and the screening dates.
struct HistoryJSON: Encodable {
    struct Row: Encodable {
        var session: SessionSummary
        var intervalDays: Int?
        var series: Int?
    }

    var patient: Patient
    var lastScreeningDates: [String: ClinicDay]
    var sessions: [Row]

    init(patient: Patient, history: PatientHistory) {
        self.patient = patient
        lastScreeningDates = history.lastDates
        sessions = history.rows.map { Row(session: $0.summary, intervalDays: $0.intervalDays, series: $0.series) }
    }
}
