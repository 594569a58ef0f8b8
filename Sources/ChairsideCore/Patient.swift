import Foundation

/// A patient as the clinic knows them. `id` is Chairside's; `chartNumber` is the clinic's own.
public struct Patient: Codable, Equatable, Sendable, Identifiable {
    public var id: String
    public var name: String
    public var dateOfBirth: ClinicDay?
    public var chartNumber: String
    public var fitzpatrick: Int?
    public var notes: String

    public init(id: String, name: String, dateOfBirth: ClinicDay? = nil, chartNumber: String, fitzpatrick: Int? = nil, notes: String = "") {
        self.id = id; self.name = name; self.dateOfBirth = dateOfBirth; self.chartNumber = chartNumber
        self.fitzpatrick = fitzpatrick; self.notes = notes
    }
}

/// What Chairside remembers of a patient's earlier sessions, for interval warnings and the series count.
public struct SessionRef: Codable, Equatable, Sendable {
    public var sessionID: String
    public var startedAt: Date
    public var status: SessionStatus

    public init(sessionID: String, startedAt: Date, status: SessionStatus) {
        self.sessionID = sessionID; self.startedAt = startedAt; self.status = status
    }
}

public enum PatientError: Error, Equatable, Sendable, CustomStringConvertible {
    case nameMissing
    case chartNumberMissing
    case chartNumberTaken(String)
    case fitzpatrickOutOfRange

    public var description: String {
        switch self {
        case .nameMissing: "Enter the patient's name."
        case .chartNumberMissing: "Enter a chart number."
        case .chartNumberTaken(let n): "Chart number \(Visible.text(n)) belongs to another patient; check the number or open that patient."
        case .fitzpatrickOutOfRange: "Fitzpatrick skin type is I to VI: enter 1 to 6, or leave it empty."
        }
    }
}

/// Patients found by name or chart number as the technician types.
public struct PatientDirectory: Sendable {
    public private(set) var patients: [Patient] = []
    private var folded: [String] = []

    public init(_ patients: [Patient] = []) {
        for p in patients { upsert(p) }
    }

    public mutating func upsert(_ patient: Patient) {
        let key = Self.fold(patient.name + " " + patient.chartNumber)
        if let i = patients.firstIndex(where: { $0.id == patient.id }) {
            patients[i] = patient
            folded[i] = key
        } else {
            patients.append(patient)
            folded.append(key)
        }
    }

    public func patient(id: String) -> Patient? { patients.first { $0.id == id } }

    /// The chart number for exports; empty for a patient this directory does not hold.
    public func chartNumber(of id: String) -> String { patient(id: id)?.chartNumber ?? "" }

    /// Checks a new or edited patient before it is stored.
    public func validate(_ p: Patient) throws(PatientError) {
        if p.name.trimmingCharacters(in: .whitespaces).isEmpty { throw .nameMissing }
        if p.chartNumber.trimmingCharacters(in: .whitespaces).isEmpty { throw .chartNumberMissing }
        if let f = p.fitzpatrick, !(1...6).contains(f) { throw .fitzpatrickOutOfRange }
        if patients.contains(where: { $0.chartNumber == p.chartNumber && $0.id != p.id }) { throw .chartNumberTaken(p.chartNumber) }
    }

    /// Every word typed must start a word of the name or chart number, ignoring case and accents,
    /// so "jo mu" finds José Müller. An exact chart number comes first.
    public func search(_ query: String, limit: Int = 50) -> [Patient] {
        let words = Self.fold(query).split(separator: " ").map(String.init)
        if words.isEmpty { return Array(patients.sorted { $0.name < $1.name }.prefix(limit)) }
        var hits: [(rank: Int, patient: Patient)] = []
        for (i, key) in folded.enumerated() {
            let keyWords = key.split(separator: " ")
            let all = words.allSatisfy { w in keyWords.contains { $0.hasPrefix(w) } }
            guard all else { continue }
            let rank = Self.fold(patients[i].chartNumber) == words.joined(separator: " ") ? 0 : 1
            hits.append((rank, patients[i]))
        }
        hits.sort { ($0.rank, $0.patient.name) < ($1.rank, $1.patient.name) }
        return hits.prefix(limit).map(\.patient)
    }

    static func fold(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }
}
