import Foundation

/// One past session from a clinic's paper records, as read from a row of the history CSV.
public struct HistoryRow: Equatable, Sendable {
    /// The row's first line in the file (1 is the header), for messages.
    public var line: Int
    public var chartNumber: String
    public var name: String
    public var dateOfBirth: ClinicDay?
    public var day: ClinicDay
    public var hour: Int
    public var minute: Int
    public var zones: [PaperZone]
    public var notes: String
    public var phone: String?
    public var technician: String
}

/// A row that cannot be imported: its line and what to change. Never holds a name or a note.
public struct HistoryProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

/// Reads the paper-history CSV (README, "Bringing paper history in"). Pure: text in, rows and
/// problems out. A bad row is reported whole and never half-read.
public enum HistoryCSV {
    public static let columns = [
        "chart_number", "name", "date_of_birth", "date", "time", "zones", "depths", "notes", "phone", "technician",
    ]
    /// Who a session from paper is recorded as performed by when the file does not say.
    public static let defaultTechnician = "paper record"
    /// A session from paper without a time is placed at the start of its day, so the interval rule
    /// (whole 24-hour days since the last start) counts calendar days from it: dated ten days ago,
    /// it is "10 days ago" at any hour today.
    public static let defaultHour = 0
    /// A file over this is refused before it is read (a clinic's whole paper archive is far smaller).
    public static let maxBytes = 64 * 1_048_576

    public enum FileError: Error, Equatable, CustomStringConvertible {
        case empty
        case missingColumns([String])
        case unknownColumns([String])
        case unterminatedQuote(line: Int)

        public var description: String {
            switch self {
            case .empty: "The file is empty: the first line must name the columns (see README)."
            case .missingColumns(let c):
                "The header lacks \(c.joined(separator: ", ")): name the columns on the first line (see README)."
            case .unknownColumns(let c):
                "The header has columns Chairside does not know (\(c.joined(separator: ", "))); "
                    + "use \(columns.joined(separator: ", "))."
            case .unterminatedQuote(let line):
                "A quoted cell that starts on line \(line) never ends: close the quote and run the import again."
            }
        }
    }

    public static func parse(_ text: String, proto: ClinicProtocol, today: ClinicDay) throws(FileError)
        -> (rows: [HistoryRow], problems: [HistoryProblem])
    {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let records = try split(body)
        guard let header = records.first, !header.cells.allSatisfy({ $0.trimmed.isEmpty }) else { throw .empty }
        let names = header.cells.map { $0.trimmed.lowercased().replacingOccurrences(of: " ", with: "_") }
        let unknown = names.filter { !$0.isEmpty && !columns.contains($0) }
        guard unknown.isEmpty else { throw .unknownColumns(unknown) }
        let missing = ["date", "zones"].filter { !names.contains($0) }
        guard missing.isEmpty else { throw .missingColumns(missing) }
        guard names.contains("chart_number") || (names.contains("name") && names.contains("date_of_birth")) else {
            throw .missingColumns(["chart_number (or name and date_of_birth)"])
        }
        var rows: [HistoryRow] = []
        var problems: [HistoryProblem] = []
        for record in records.dropFirst() where !record.cells.allSatisfy({ $0.trimmed.isEmpty }) {
            var cell: [String: String] = [:]
            for (i, name) in names.enumerated() where !name.isEmpty {
                cell[name] = i < record.cells.count ? record.cells[i].trimmed : ""
            }
            if record.cells.count > names.count, record.cells[names.count...].contains(where: { !$0.trimmed.isEmpty }) {
                problems.append(.init(line: record.line, message: "more cells than the header names; check the commas"))
                continue
            }
            do throws(HistoryProblem) {
                rows.append(try row(cell, line: record.line, proto: proto, today: today))
            } catch {
                var problem = error
                if record.cells.count < names.count {
                    // A missing comma shifts every cell after it: say so, not only what the shift broke.
                    problem.message +=
                        " (the line has \(record.cells.count) cells where the header names \(names.count); check the commas)"
                }
                problems.append(problem)
            }
        }
        return (rows, problems)
    }

    static func row(_ cell: [String: String], line: Int, proto: ClinicProtocol, today: ClinicDay)
        throws(HistoryProblem) -> HistoryRow
    {
        func fail(_ message: String) -> HistoryProblem { HistoryProblem(line: line, message: message) }
        let chart = cell["chart_number"] ?? ""
        let name = cell["name"] ?? ""
        let dobText = cell["date_of_birth"] ?? ""
        var dob: ClinicDay?
        if !dobText.isEmpty {
            guard let d = ClinicDay(string: dobText) else {
                throw fail("date_of_birth is not a date; write it as YYYY-MM-DD")
            }
            dob = d
        }
        if chart.isEmpty && (name.isEmpty || dob == nil) {
            throw fail("give the chart number, or the name and date_of_birth, to say whose session it was")
        }
        let dateText = cell["date"] ?? ""
        guard let day = ClinicDay(string: dateText) else {
            throw fail(
                dateText.isEmpty
                    ? "the date is empty; write it as YYYY-MM-DD" : "date is not a date; write it as YYYY-MM-DD")
        }
        guard day <= today else {
            throw fail("the date \(day) is after today; paper history is of sessions that happened")
        }
        var hour = defaultHour
        var minute = 0
        if let t = cell["time"], !t.isEmpty {
            let parts = t.split(separator: ":")
            guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h),
                (0...59).contains(m)
            else { throw fail("time is not a time of day; write it as HH:MM (24-hour), or leave it empty") }
            hour = h
            minute = m
        }
        let zoneCells = (cell["zones"] ?? "").split(separator: ";").map { String($0).trimmed }.filter { !$0.isEmpty }
        guard !zoneCells.isEmpty else { throw fail("no zones; list the treated zones separated by ';'") }
        var zones: [String] = []
        for z in zoneCells {
            guard
                let setting = proto.zones.first(where: {
                    $0.id.lowercased() == z.lowercased() || $0.name.lowercased() == z.lowercased()
                })
            else {
                throw fail(
                    "zone '\(Visible.text(z))' is not in the protocol; use one of \(proto.zones.map(\.id).joined(separator: ", "))"
                )
            }
            zones.append(setting.id)
        }
        let depthCells = (cell["depths"] ?? "").split(separator: ";", omittingEmptySubsequences: false)
            .map { String($0).trimmed }
        var depths: [Double?] = Array(repeating: nil, count: zones.count)
        if !(depthCells.count == 1 && depthCells[0].isEmpty) {
            guard depthCells.count == 1 || depthCells.count == zones.count else {
                throw fail(
                    "\(depthCells.count) depths for \(zones.count) zones; give one depth, or one per zone in order")
            }
            for (i, text) in depthCells.enumerated() {
                guard !text.isEmpty else { continue }
                guard
                    let mm = Double(
                        text.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: "mm", with: "").trimmed),
                    mm > 0
                else { throw fail("depth '\(Visible.text(text))' is not a depth in mm (e.g. 0.5)") }
                guard !Depth.exceeds(mm, proto.deviceMaxDepth) else {
                    throw fail(
                        "depth \(Depth.text(mm)) is beyond the device maximum of \(Depth.text(proto.deviceMaxDepth))")
                }
                if depthCells.count == 1 {
                    depths = Array(repeating: mm, count: zones.count)
                } else {
                    depths[i] = mm
                }
            }
        }
        var seen: Set<String> = []
        var paper: [PaperZone] = []
        for (z, d) in zip(zones, depths) where seen.insert(z).inserted { paper.append(PaperZone(zone: z, depth: d)) }
        let phone = cell["phone"].flatMap { $0.isEmpty ? nil : $0 }
        let tech = cell["technician"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultTechnician
        return HistoryRow(
            line: line, chartNumber: chart, name: name, dateOfBirth: dob, day: day, hour: hour, minute: minute,
            zones: paper, notes: cell["notes"] ?? "", phone: phone, technician: tech)
    }

    /// The events of one imported session: started, the paper record, the notes, completed; all at
    /// the session's real time (the store marks each as a late entry when it writes them).
    public static func events(
        _ row: HistoryRow, patient: Patient, at: Date, room: String, source: String
    ) -> [SessionEvent] {
        var kinds: [EventKind] = [
            .started(
                patientID: patient.id, patientName: patient.name, technician: row.technician, room: room,
                plannedZones: row.zones.map(\.zone)),
            .paperRecord(zones: row.zones, source: source),
        ]
        if !row.notes.isEmpty { kinds.append(.note(text: row.notes)) }
        kinds.append(.completed)
        return kinds.enumerated().map { SessionEvent(seq: $0.offset + 1, at: at, by: row.technician, kind: $0.element) }
    }

    /// The row's start as an instant in the clinic's time zone.
    public static func startTime(_ row: HistoryRow, timeZone: TimeZone) -> Date {
        row.day.start(in: timeZone).addingTimeInterval(TimeInterval(row.hour * 3600 + row.minute * 60))
    }

    struct Record {
        var line: Int
        var cells: [String]
    }

    /// RFC 4180 records (quoted cells may hold commas, quotes and line breaks), each with the line
    /// it starts on. The delimiter is the header's: ';' when it has no ',' (spreadsheets in many
    /// locales save that way), else ','.
    static func split(_ text: String) throws(FileError) -> [Record] {
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" }
        let delimiter: Character = !firstLine.contains(",") && firstLine.contains(";") ? ";" : ","
        var records: [Record] = []
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var line = 1
        var recordLine = 1
        var quoteLine = 1
        var chars = text.makeIterator()
        var pending: Character? = nil
        func endRecord() {
            cells.append(cell)
            records.append(Record(line: recordLine, cells: cells))
            cells = []
            cell = ""
        }
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = chars.next()
                    if next == "\"" {
                        cell.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    cell.append(c)
                }
                continue
            }
            switch c {
            case "\"" where cell.trimmed.isEmpty:
                cell = ""
                quoted = true
                quoteLine = line
            case delimiter:
                cells.append(cell)
                cell = ""
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default: cell.append(c)
            }
        }
        if quoted { throw .unterminatedQuote(line: quoteLine) }
        if !cell.isEmpty || !cells.isEmpty { endRecord() }
        return records
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
