import Foundation

/// An expiry date as printed on a package. A month alone (`2027-03`) means its last day: the
/// convention for month-only expiry dates (the product is good through the end of that month).
public enum LotExpiry {
    public static func parse(_ text: String) -> ClinicDay? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let day = ClinicDay(string: t) { return day }
        let parts = t.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]),
            let m = Int(parts[1]), (1...12).contains(m)
        else { return nil }
        let next = m == 12 ? ClinicDay(year: y + 1, month: 1, day: 1) : ClinicDay(year: y, month: m + 1, day: 1)
        return next.adding(days: -1)
    }
}

/// The register as a table and as JSON, for `chairside lots list` and tests.
public enum LotListing {
    /// "expired", "expires today", "expires in 12 days", or "" for lots far from expiry.
    public static func expiryNote(_ lot: Lot, today: ClinicDay, within: Int = 30) -> String {
        guard let expires = lot.expires else { return "expiry not recorded" }
        let days = Calendar.daysBetween(today, expires)
        if days < 0 { return "expired" }
        if days == 0 { return "expires today (usable today)" }
        return days <= within ? "expires in \(days) day\(days == 1 ? "" : "s")" : ""
    }

    /// `inDoubt`: keys of lots a damaged line of the lot journal names (issue 14): their status is
    /// said to be unknown, never plainly "in stock".
    public static func table(_ lots: [Lot], today: ClinicDay, expiringWithin: Int?, inDoubt: Set<String> = []) -> String
    {
        guard !lots.isEmpty else {
            return expiringWithin.map { "No lot in use expires within \($0) days.\n" }
                ?? "The lot register is empty. Add a lot: chairside lots add LOT --kind KIND --product NAME --expires DATE\n"
        }
        var rows = [["LOT", "KIND", "PRODUCT", "EXPIRES", "STATUS", ""]]
        for lot in lots {
            var status = lot.status.label
            if case .withdrawn(let reason) = lot.status { status += ": " + Visible.text(reason) }
            if inDoubt.contains(LotRegister.key(lot.number)) {
                status = "unknown: a line about it is unreadable (replayed: \(lot.status.label))"
            }
            rows.append([
                Visible.text(lot.number), lot.kind.label, Visible.text(lot.product), lot.expiryText, status,
                expiryNote(lot, today: today, within: expiringWithin ?? 30),
            ])
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    public static func value(_ lot: Lot, today: ClinicDay, inDoubt: Set<String> = []) -> JSONValue {
        var reason: String?
        if case .withdrawn(let r) = lot.status { reason = r }
        return .object([
            "lot": .string(lot.number), "kind": .string(lot.kind.rawValue), "product": .string(lot.product),
            "expires": .optional(lot.expires?.description), "status": .string(lot.status.label),
            "withdrawn_reason": .optional(reason), "expired": .bool(lot.isExpired(on: today)),
            "days_to_expiry": lot.expires.map { .integer(Calendar.daysBetween(today, $0)) } ?? .null,
            // A damaged line of the lot journal names it: `status` is as replayed and may be wrong.
            "status_unknown": .bool(inDoubt.contains(LotRegister.key(lot.number))),
        ])
    }

    public static func json(_ lots: [Lot], today: ClinicDay, inDoubt: Set<String> = []) throws -> String {
        try RecordJSON.document(
            kind: "lots",
            [
                "today": .string(today.description),
                "lots": .array(lots.map { value($0, today: today, inDoubt: inDoubt) }),
            ]
        ).text()
    }
}

extension RecallReport {
    public static func json(lot: String, register: Lot?, entries: [RecallEntry], today: ClinicDay) throws -> String {
        let sessions = entries.map { e -> JSONValue in
            .object([
                "session_id": .string(e.sessionID), "date": .string(e.day.description),
                "started_at": .string(Timestamp.format(e.startedAt)), "status": .string(e.status),
                "zones": .array(e.zones.map(JSONValue.string)), "technician": .string(e.technician),
                "room": .string(e.room), "patient_id": .string(e.patientID), "patient_name": .string(e.patientName),
                "chart_number": .string(e.chartNumber), "date_of_birth": .optional(e.dateOfBirth?.description),
                "phone": .optional(e.phone.isEmpty ? nil : e.phone),
            ])
        }
        return try RecordJSON.document(
            kind: "recall",
            [
                "lot": .string(lot), "register": register.map { LotListing.value($0, today: today) } ?? .null,
                "patients": .integer(Set(entries.map(\.patientID)).count), "sessions": .array(sessions),
            ]
        ).text()
    }
}

extension Calendar {
    /// Whole days from `a` to `b` (negative when `b` is earlier), in the clinic's calendar days.
    static func daysBetween(_ a: ClinicDay, _ b: ClinicDay) -> Int {
        let utc = TimeZone(identifier: "UTC")!
        return Int((b.start(in: utc).timeIntervalSince(a.start(in: utc)) / 86_400).rounded())
    }
}
