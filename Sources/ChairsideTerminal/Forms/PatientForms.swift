import ChairsideCore
import Foundation

/// A new patient for the directory.
public struct NewPatientForm: FormContent {
    public var name: FormField
    public var chartNumber = FormField.text("Chart number", required: true)
    public var dateOfBirth = FormField.text("Date of birth (YYYY-MM-DD)")
    public var fitzpatrick = FormField.text("Fitzpatrick type (1-6)")
    public var notes = FormField.text("Notes")
    /// How the front desk reaches the patient (the due list and a lot recall show it).
    public var phone = FormField.text("Phone (optional)")

    public init(name: String) {
        self.name = FormField.text("Name", name, required: true)
        // What was typed in the search is the technician's own text, not a suggestion: keep typing adds to it.
        self.name.prefilled = false
    }

    public var title: String { "New patient" }
    public var fields: [WritableKeyPath<Self, FormField>] {
        [\.name, \.chartNumber, \.dateOfBirth, \.phone, \.fitzpatrick, \.notes]
    }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        let dob = dateOfBirth.text.isEmpty ? nil : try FieldParsing.day(dateOfBirth, example: "1988-04-02")
        if let dob, dob > ClinicDay(context.now, timeZone: context.timeZone) {
            throw FormProblem(dateOfBirth.label, "that date is in the future; check the year.")
        }
        let fitz = fitzpatrick.text.isEmpty ? nil : try FieldParsing.integer(fitzpatrick)
        return .savePatient(
            Patient(
                id: "", name: name.text, dateOfBirth: dob, chartNumber: chartNumber.text,
                fitzpatrick: fitz, notes: notes.text, phone: phone.text.isEmpty ? nil : phone.text))
    }
}

/// Who treats, where, and which zones are planned.
public struct StartSessionForm: FormContent {
    public var patient: Patient
    public var technician: FormField
    public var room: FormField
    public var zones: FormField
    private var technicians: [String]
    private var rooms: [String]
    private var zoneIDs: [String]

    public init(patient: Patient, config: ClinicConfig) {
        self.patient = patient
        technicians = config.technicians
        rooms = config.rooms
        zoneIDs = config.protocolSettings.zones.map(\.id)
        technician = .choice("Technician", technicians)
        room = .choice("Room", rooms)
        zones = .multi("Planned zones", config.protocolSettings.zones.map(\.name))
        zones.required = true
    }

    public var title: String { "Start session: \(Visible.text(patient.name))" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.technician, \.room, \.zones] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        .startSession(
            patient: patient, technician: technicians[technician.choice], room: rooms[room.choice],
            zones: zones.selected.map { zoneIDs[$0] })
    }
}

/// Which day the review shows.
public struct GoToDateForm: FormContent {
    public var date: FormField

    public init(day: ClinicDay) { date = .text("Date (YYYY-MM-DD)", day.description, required: true) }

    public var title: String { "Go to date" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.date] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        .goToDate(try FieldParsing.day(date, example: "2026-11-21"))
    }
}

/// Where the aftercare sheet is saved.
public struct SaveSheetForm: FormContent {
    public var file: FormField

    public init(path: String) { file = .text("File", path, required: true) }

    public var title: String { "Save the aftercare sheet" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.file] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        guard !file.text.isEmpty else { throw FormProblem(file.label, "type the file to save to.") }
        let path = file.text.hasPrefix("/") ? file.text : context.workingDirectory + "/" + file.text
        return .saveAftercare(path: path)
    }
}
