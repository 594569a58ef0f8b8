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

/// Patients found by name or chart number as the technician types. Built for directories of
/// tens of thousands: lookups by ID are hashed, the folded words are computed once per
/// patient, and the name order is kept, so a search is one scan that stops at `limit`.
public struct PatientDirectory: Sendable {
    public private(set) var patients: [Patient] = []
    /// Each patient's name and chart number, folded and split into words.
    private var words: [[String]] = []
    private var position: [String: Int] = [:]
    private var chartPosition: [String: Int] = [:]
    /// Indexes into `patients`, sorted by name (then ID).
    private var byName: [Int] = []

    public init(_ list: [Patient] = []) {
        for p in list {
            if let i = position[p.id] {
                replace(at: i, with: p)
            } else {
                append(p)
            }
        }
        byName = patients.indices.sorted { Self.before(patients[$0], patients[$1]) }
    }

    public mutating func upsert(_ patient: Patient) {
        if let i = position[patient.id] {
            byName.removeAll { $0 == i }
            replace(at: i, with: patient)
            insertInOrder(i)
        } else {
            append(patient)
            insertInOrder(patients.count - 1)
        }
    }

    private mutating func append(_ p: Patient) {
        position[p.id] = patients.count
        chartPosition[Self.fold(p.chartNumber)] = patients.count
        patients.append(p)
        words.append(Self.words(of: p))
    }

    private mutating func replace(at i: Int, with p: Patient) {
        chartPosition[Self.fold(patients[i].chartNumber)] = nil
        chartPosition[Self.fold(p.chartNumber)] = i
        patients[i] = p
        words[i] = Self.words(of: p)
    }

    private mutating func insertInOrder(_ i: Int) {
        var lo = 0, hi = byName.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Self.before(patients[byName[mid]], patients[i]) { lo = mid + 1 } else { hi = mid }
        }
        byName.insert(i, at: lo)
    }

    private static func before(_ a: Patient, _ b: Patient) -> Bool { (a.name, a.id) < (b.name, b.id) }

    private static func words(of p: Patient) -> [String] {
        fold(p.name + " " + p.chartNumber).split(separator: " ").map(String.init)
    }

    public func patient(id: String) -> Patient? { position[id].map { patients[$0] } }

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
    /// so "jo mu" finds José Müller. An exact chart number comes first; the rest by name.
    public func search(_ query: String, limit: Int = 50) -> [Patient] {
        let typed = Self.fold(query).split(separator: " ").map(String.init)
        var hits: [Patient] = []
        var exact: Int?
        if !typed.isEmpty, let i = chartPosition[typed.joined(separator: " ")] {
            exact = i
            hits.append(patients[i])
        }
        for i in byName where i != exact {
            if hits.count >= limit { break }
            let own = words[i]
            if typed.allSatisfy({ w in own.contains { $0.hasPrefix(w) } }) { hits.append(patients[i]) }
        }
        return hits
    }

    static func fold(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }
}
