import ChairsideCore

/// Reads typed values, naming the field and what to type when a value does not fit.
enum FieldParsing {
    static func number(_ field: FormField) throws(FormProblem) -> Double {
        guard let v = Double(field.text.replacingOccurrences(of: ",", with: ".")), v.isFinite else {
            throw FormProblem(field.label, "type a number, such as 4 or 2.5.")
        }
        return v
    }

    static func integer(_ field: FormField) throws(FormProblem) -> Int {
        guard let v = Int(field.text) else { throw FormProblem(field.label, "type a whole number, such as 3.") }
        return v
    }

    static func day(_ field: FormField, example: String) throws(FormProblem) -> ClinicDay {
        guard let d = ClinicDay(string: field.text) else {
            throw FormProblem(field.label, "type a date like \(example).")
        }
        return d
    }
}
