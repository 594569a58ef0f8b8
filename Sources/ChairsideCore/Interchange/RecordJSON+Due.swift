import Foundation

extension RecordJSON {
    /// `due --json`: the due list, one object per patient, in the order the front desk calls.
    public static func due(_ list: [DueEntry], scope: String, today: ClinicDay, settings: AftercareSettings)
        -> JSONValue
    {
        document(
            kind: "due_list",
            [
                "date": .string(today.description),
                "scope": .string(scope),
                "patients": .array(
                    list.map { e in
                        .object([
                            "patient_id": .string(e.patient.id),
                            "name": .string(e.patient.name),
                            "chart_number": .string(e.patient.chartNumber),
                            "phone": .optional(e.patient.phone),
                            "last_session": .string(e.lastSession.description),
                            "series_number": .integer(e.seriesNumber),
                            "series": .string(e.seriesLabel(settings)),
                            "next_visit": .string(e.maintenance ? "maintenance" : "series"),
                            "due_from": .string(e.dueFrom.description),
                            "due_by": .string(e.dueBy.description),
                            "standing": .string(e.standing.rawValue),
                            "days_overdue": .integer(e.daysOverdue),
                        ])
                    }),
            ])
    }
}
