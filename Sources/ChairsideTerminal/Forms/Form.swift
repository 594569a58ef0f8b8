import ChairsideCore
import Foundation

/// One field of a form: free text, one choice of several (← →), or several marked (Space).
public struct FormField: Equatable, Sendable {
    public enum Value: Equatable, Sendable {
        case text(String)
        case choice([String], Int)
        case multi([String], Set<Int>, cursor: Int)
    }

    public var label: String
    public var value: Value
    public var required: Bool
    /// A value put there for the technician and not touched yet: the first character typed replaces it.
    public var prefilled: Bool
    /// Values ← → cycle a text field through (the open lots of a kind, issue 17); typing still works.
    public var suggestions: [String] = []

    public static func text(_ label: String, _ value: String = "", required: Bool = false) -> FormField {
        FormField(label: label, value: .text(value), required: required, prefilled: !value.isEmpty)
    }

    public static func choice(_ label: String, _ options: [String], _ index: Int = 0) -> FormField {
        FormField(label: label, value: .choice(options, index), required: false, prefilled: false)
    }

    public static func multi(_ label: String, _ options: [String], _ selected: Set<Int> = []) -> FormField {
        FormField(label: label, value: .multi(options, selected, cursor: 0), required: false, prefilled: false)
    }

    /// The text as typed, without surrounding spaces ("" for a choice).
    public var text: String {
        if case .text(let s) = value { return s.trimmingCharacters(in: .whitespaces) }
        return ""
    }

    public var choice: Int {
        if case .choice(_, let index) = value { return index }
        return 0
    }

    public var selected: [Int] {
        if case .multi(_, let set, _) = value { return set.sorted() }
        return []
    }

    /// The longest entry a text field takes; a longer paste is cut here, visibly.
    public static let maxTextLength = 200

    /// Edits the value with a key that does not move between fields.
    mutating func edit(_ key: Key) {
        switch value {
        case .text(var s):
            if !suggestions.isEmpty, key == .left || key == .right {
                let at = suggestions.firstIndex(of: s)
                let step = key == .right ? 1 : suggestions.count - 1
                s = suggestions[at.map { ($0 + step) % suggestions.count } ?? 0]
                prefilled = true
                value = .text(s)
                return
            }
            switch key {
            case .backspace, .delete: if !s.isEmpty { s.removeLast() }
            case .ctrl("u"): s = ""
            case .char(let c):
                if prefilled { s = "" }
                if s.count < Self.maxTextLength { s.append(c) }
            default: return
            }
            prefilled = false
            value = .text(s)
        case .choice(let options, var index):
            switch key {
            case .left: index = (index + options.count - 1) % options.count
            case .right, .char(" "): index = (index + 1) % options.count
            default: return
            }
            value = .choice(options, index)
        case .multi(let options, var set, var cursor):
            switch key {
            case .left: cursor = max(0, cursor - 1)
            case .right: cursor = min(options.count - 1, cursor + 1)
            case .char(" "): if set.contains(cursor) { set.remove(cursor) } else { set.insert(cursor) }
            case .char("*"): set = set.count == options.count ? [] : Set(options.indices)
            default: return
            }
            value = .multi(options, set, cursor: cursor)
        }
    }
}

/// What a form's fields are for. Each form is a type with named fields that builds what it asks for;
/// `fields` is only the order focus moves in.
public protocol FormContent: Sendable {
    var title: String { get }
    var fields: [WritableKeyPath<Self, FormField>] { get }
    /// Turns the values into what the form asks for, or says which field is wrong and how to fix it.
    func submit(_ context: FormContext) throws(FormProblem) -> FormIntent
    /// A line under the fields that follows what is typed (a relative date resolved), or nil.
    var liveNote: String? { get }
    /// Called after the field at `index` changed, for fields that follow another (a lot's product).
    mutating func didEdit(_ index: Int)
}

extension FormContent {
    public var liveNote: String? { nil }
    func field(at index: Int) -> FormField { self[keyPath: fields[index]] }
    var fieldCount: Int { fields.count }
    mutating func edit(at index: Int, _ key: Key) {
        let before = self[keyPath: fields[index]]
        self[keyPath: fields[index]].edit(key)
        if self[keyPath: fields[index]] != before { didEdit(index) }
    }
    public mutating func didEdit(_ index: Int) {}
}

/// A form the technician can fix without losing what they typed: which field, and what to do.
public struct FormProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var field: String?
    public var message: String

    public init(_ field: String?, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}

/// What the console needs to turn a form into a command.
public struct FormContext: Sendable {
    public var config: ClinicConfig
    public var session: SessionState?
    public var now: Date
    public var timeZone: TimeZone
    /// Where a relative file name is saved.
    public var workingDirectory: String
    /// The lot register, for forms that take a lot (issue 17).
    public var lots = LotRegister()
    /// Keys of lots a damaged line of the lot journal names: their status is unknown (issue 14).
    public var lotsInDoubt: Set<String> = []

    var proto: ClinicProtocol { config.protocolSettings }
}

/// What a submitted form asks the console to do.
public enum FormIntent: Equatable, Sendable {
    case record(SessionCommand)
    case savePatient(Patient)
    case startSession(patient: Patient, technician: String, room: String, zones: [String])
    case goToDate(ClinicDay)
    case saveAftercare(path: String)
    /// A time-bound screening item is yes, and last happened on `day` (nil: nobody knows when).
    case screeningDate(item: String, day: ClinicDay?)
    /// A depth typed for a zone; the console asks before crossing above the protocol maximum.
    case changeDepth(zone: String, depth: Double)
    /// Chart a session after the fact, begun at this real time.
    case lateSession(at: Date)
    /// The real time of a late entry's next step.
    case stepTime(Date)
    /// A lot register command (issue 17), recorded by `by`.
    case recordLot(LotCommand, by: String)
    /// The sessions that recorded a lot.
    case recall(lot: String)
    /// A session command that names a lot, with what the register needs first (add or open the
    /// lot) and, for a lot the register refuses, the override with its reason (issue 17).
    case recordWithLot(SessionCommand, LotUse)
}

/// A form on screen: its content, where the focus is, the last problem, and whether it is waiting
/// for the store after Enter.
public struct OpenForm: Sendable {
    public enum Outcome: Equatable { case editing, submitted, cancelled }

    public var content: any FormContent
    public var focus = 0
    public var error: String?
    public var saving = false

    public init(_ content: any FormContent, focus: Int = 0) {
        self.content = content
        self.focus = focus
    }

    public var title: String { content.title }
    public var fields: [FormField] { (0..<content.fieldCount).map { content.field(at: $0) } }

    /// The value of the field with this label, for tests and messages.
    public func value(of label: String) -> FormField? { fields.first { $0.label == label } }

    /// Submits the content. The form's own checks speak first (they say what to type); an empty field
    /// marked required that they let through is then named here, not refused later in words the form
    /// does not use.
    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        let intent = try content.submit(context)
        for field in fields where field.required {
            if case .text = field.value, field.text.isEmpty {
                throw FormProblem(field.label, "this is needed; fill it in and press Enter again.")
            }
        }
        return intent
    }

    /// Shows a problem and moves the focus to the field it names, so what is typed next goes there
    /// and not into the field the cursor happened to be in.
    public mutating func fail(_ problem: FormProblem) {
        saving = false
        error = problem.description
        if let name = problem.field, let at = fields.firstIndex(where: { $0.label == name }) { focus = at }
    }

    /// Moving between fields never changes a value; every other key edits the focused field only.
    public mutating func handle(_ key: Key) -> Outcome {
        let count = content.fieldCount
        switch key {
        case .escape: return .cancelled
        case .enter: return .submitted
        case .tab: focus = (focus + 1) % count
        case .backTab: focus = (focus + count - 1) % count
        case .down: focus = min(count - 1, focus + 1)
        case .up: focus = max(0, focus - 1)
        default: content.edit(at: focus, key)
        }
        return .editing
    }

    static let keys = KeyTable<Never>.help(
        [
            ("Tab ↓", "next field"), ("Shift-Tab ↑", "previous field"), ("← →", "change a choice"),
            ("Space", "mark a zone"), ("*", "mark all zones"), ("Ctrl-U", "clear the field"), ("Enter", "save"),
            ("Esc", "cancel"),
        ], hints: ["Tab ↓", "Enter", "Esc"])
}
