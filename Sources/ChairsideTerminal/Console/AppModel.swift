import ChairsideCore
import ChairsidePrinting
import Foundation

/// What the console knows besides its state: settings read at start that update only reads.
public struct ConsoleEnvironment: Sendable {
    public var themes: ThemeDesk
    public var template: Result<AftercareTemplate, TemplateError>?
    /// The clinic's page for the typeset sheet (nil: the built-in one).
    public var htmlTemplate: Result<AftercareHTMLTemplate, TemplateError>?
    /// The CUPS queue (nil: the system default).
    public var queue: String?
    /// Where a sheet is saved by default: STORE/aftercare.
    public var aftercareFolder: String
    /// Where a relative file name typed in a form goes.
    public var workingDirectory: String
    /// Makes a new session's ID from its start time; the store's own by default.
    public var newSessionID: @Sendable (Date, TimeZone) -> String

    public init(
        themes: ThemeDesk = ThemeDesk(), template: Result<AftercareTemplate, TemplateError>? = nil,
        htmlTemplate: Result<AftercareHTMLTemplate, TemplateError>? = nil, queue: String? = nil,
        aftercareFolder: String, workingDirectory: String = FileManager.default.currentDirectoryPath,
        newSessionID: @escaping @Sendable (Date, TimeZone) -> String
    ) {
        self.themes = themes
        self.template = template
        self.htmlTemplate = htmlTemplate
        self.queue = queue
        self.aftercareFolder = aftercareFolder
        self.workingDirectory = workingDirectory
        self.newSessionID = newSessionID
    }
}

/// Everything the console shows, as plain values. Only `update` changes it; the view is a pure
/// function of it and the time.
public struct AppModel {
    public enum Screen: Equatable, Sendable {
        case today, newSession, session, history
        case due
        case lots, recall
    }

    public struct Status: Equatable, Sendable {
        public var text: String
        public var role: StyleRole
    }

    public enum Overlay {
        case form(OpenForm)
        case confirm(Confirmation)
        case sheet(SheetPreview)
        case themes(ThemePicker)
    }

    public var config: ClinicConfig
    public var timeZone: TimeZone
    public var width: Int
    public var height: Int
    public var env: ConsoleEnvironment

    public var screen: Screen = .today
    public var today: TodayScreen
    public var newSession = NewSessionScreen()
    public var session: SessionScreen?
    public var history: HistoryScreen?
    public var due: DueScreen?
    /// The lot register screen and a recall's list (issue 17).
    public var lots = LotsScreen()
    public var recall: RecallScreen?
    /// The lot register as last read: the lots screen, Today's expiry flag.
    public var lotRegister = LotRegister()
    public var lotsLoaded = false
    /// Damage in the lot journal as the last read of the register found it (issue 14).
    public var lotDamage: RecordDamage?
    public var overlay: Overlay?
    /// `?` help over whatever is on screen; any key closes it.
    public var helpOpen = false
    public var status: Status?
    /// The theme the console draws with (being previewed while the picker is open).
    public var themeName = Theme.standard.name
    /// The privacy screen is up: nothing about any patient is drawn until a key is pressed.
    public var hidden = false
    /// When the last key came, for the privacy screen's idle time.
    public var lastKeyAt: Date

    /// Store effects under way whose answer the next keys depend on.
    public var waiting = 0
    /// Keys typed while the store works, handled in order once it answers.
    public var heldKeys: [Key] = []
    /// A sheet going to the printer; keys keep working meanwhile.
    public var printing: PrintRequest?
    /// Where the history screen goes back to once it has loaded.
    var historyReturn: Screen = .today
    /// The replica's state for the header, read from the replicator's status file now and then.
    public var replica: String?
    var replicaReadAt: Date?
    /// How often the header's replica state is read again.
    static let replicaPollSeconds: TimeInterval = 5
    /// The sheet whose save form is open.
    var savingSheet: SheetPreview?
    /// A session waiting for the patient's past sessions before it is decided and started.
    var pendingStart: PendingStart?
    /// A late entry being started: the real start time given on Today (L).
    public var lateStart: Date?

    public static let minWidth = 80
    public static let minHeight = 24

    public init(config: ClinicConfig, timeZone: TimeZone, width: Int, height: Int, now: Date, env: ConsoleEnvironment) {
        self.config = config
        self.timeZone = timeZone
        self.width = width
        self.height = height
        self.env = env
        today = TodayScreen(day: ClinicDay(now, timeZone: timeZone))
        lastKeyAt = now
    }

    public var tooSmall: Bool { width < Self.minWidth || height < Self.minHeight }
    var proto: ClinicProtocol { config.protocolSettings }

    mutating func say(_ text: String, _ role: StyleRole = .normal) { status = Status(text: text, role: role) }

    func formContext(now: Date) -> FormContext {
        FormContext(
            config: config, session: session?.state, now: now, timeZone: timeZone,
            workingDirectory: env.workingDirectory, lots: lotRegister, lotsInDoubt: lotDamage?.flagged ?? [])
    }
}

public struct PrintRequest: Equatable, Sendable {
    public var sessionID: String

    public init(sessionID: String) { self.sessionID = sessionID }
}

struct PendingStart: Equatable, Sendable {
    var patient: Patient
    var technician: String
    var room: String
    var zones: [String]
    /// Set for a late entry: when the session really began.
    var lateAt: Date? = nil
}

/// A yes/no question and what yes does.
public struct Confirmation: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        case leaveSession
        case depth(zone: String, depth: Double)
        case complete
        case saveScreening
        case useLastScreening
        case stopSpinEarly
        /// A lot marked finished on the lots screen: it can no longer be opened or offered.
        case finishLot(lot: String, by: String)
    }

    public var text: String
    public var action: Action
}
