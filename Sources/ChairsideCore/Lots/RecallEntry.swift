import Foundation

/// One session in a recall: when, where on the face, by whom, and whose.
public struct RecallEntry: Equatable, Sendable, Encodable {
    public var sessionID: String
    public var day: ClinicDay
    public var startedAt: Date
    public var status: String
    /// The zones treated (with passes), or the planned ones when none was treated.
    public var zones: [String]
    public var technician: String
    public var room: String
    public var patientID: String
    public var patientName: String
    public var chartNumber: String
    public var dateOfBirth: ClinicDay?
    /// How the front desk reaches the patient ("" when no phone is recorded): a recall is a call list.
    public var phone: String

    public init(summary s: SessionSummary, patient: Patient?, day: ClinicDay) {
        sessionID = s.id
        self.day = day
        startedAt = s.startedAt
        status = s.statusLabel
        let treated = s.zoneDepths.map(\.zone)
        zones = treated.isEmpty ? s.plannedZones : treated
        technician = s.technician
        room = s.room
        patientID = s.patientID
        patientName = patient?.name ?? s.patientName
        chartNumber = patient?.chartNumber ?? ""
        dateOfBirth = patient?.dateOfBirth
        phone = patient?.phone?.trimmingCharacters(in: .whitespaces) ?? ""
    }
}

/// A recall's list for people and spreadsheets: the same columns on screen, in CSV and JSON.
public enum RecallReport {
    public static let columns = [
        "date", "time", "session_id", "status", "zones", "technician", "room", "chart_number", "patient_name",
        "date_of_birth", "phone",
    ]

    public static func cells(_ e: RecallEntry, timeZone: TimeZone) -> [String] {
        [
            e.day.description, Clock.hhmm(e.startedAt, timeZone: timeZone), e.sessionID, e.status,
            e.zones.joined(separator: " "), CSV.text(e.technician), CSV.text(e.room), CSV.text(e.chartNumber),
            CSV.text(e.patientName), e.dateOfBirth?.description ?? "", CSV.text(e.phone),
        ]
    }

    public static func csv(_ entries: [RecallEntry], timeZone: TimeZone) -> String {
        CSV.line(columns) + entries.map { CSV.line(cells($0, timeZone: timeZone)) }.joined()
    }

    /// The table `chairside recall` prints: one line per session, the patient's chart number to call them by.
    public static func table(
        lot: String, register: Lot?, entries: [RecallEntry], proto: ClinicProtocol, timeZone: TimeZone,
        statusInDoubt: Bool = false
    ) -> String {
        var out = "Recall of lot \(Visible.text(lot))"
        if let register {
            out += " (\(register.kind.label), \(Visible.text(register.product)), expires \(register.expiryText)"
            // A lot a damaged or lost line may be about: its status is not given as known (issue 14).
            out += statusInDoubt ? ", status unknown: the lot register is damaged)" : ", \(register.status.label))"
        } else {
            out += " (not in the lot register)"
        }
        out += ": \(entries.count) session\(entries.count == 1 ? "" : "s"), "
        out += "\(Set(entries.map(\.patientID)).count) patient\(Set(entries.map(\.patientID)).count == 1 ? "" : "s")\n"
        guard !entries.isEmpty else { return out + "No session recorded this lot.\n" }
        for e in entries {
            let zones = e.zones.map { proto.zoneName($0) }.joined(separator: ", ")
            out += "\(e.day) \(Clock.hhmm(e.startedAt, timeZone: timeZone))  "
            out += "\(Visible.text(e.chartNumber))  \(Visible.text(e.patientName))"
            out += e.dateOfBirth.map { " (born \($0))" } ?? ""
            out += e.phone.isEmpty ? "" : "  phone \(Visible.text(e.phone))"
            out += ["completed", "in progress", "paused"].contains(e.status) ? "" : "  [\(e.status)]"
            out += "  \(Visible.text(e.technician)), \(Visible.text(e.room))  \(Visible.text(zones))  \(e.sessionID)\n"
        }
        return out
    }
}
