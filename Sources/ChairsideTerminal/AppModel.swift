import ChairsideCore
import ChairsideStore
import Foundation

/// Everything the console shows, as plain values. The view is a pure function of this and the time.
public struct AppModel {
    public enum Screen: Equatable { case today, newSession, session, history }

    public struct Status: Equatable {
        public var text: String
        public var role: StyleRole
    }

    public enum Overlay: Equatable {
        case help
        case form(Form, FormPurpose)
        case confirm(String, ConfirmAction)
        case sheet(SheetPreview)
        case themes(ThemePicker)
    }

    public struct TodayScreen {
        public var day: ClinicDay
        public var sessions: [SessionSummary] = []
        public var selected = 0
    }

    public struct NewSessionScreen {
        public var query = ""
        public var results: [Patient] = []
        public var selected = 0
    }

    public struct HistoryScreen {
        public var patientID: String
        public var patient: Patient?
        public var history: PatientHistory
        public var selected = 0
        /// Where Esc goes back to.
        public var returnTo: Screen
    }

    public struct SessionScreen {
        public var state: SessionState
        public var panel: Track
        public var patient: Patient?
        public var history: [SessionRef]
        public var screeningCursor = 0
        public var draftAnswers: [String: Bool] = [:]
        public var zoneCursor = 0
        /// Lines scrolled back from the newest timeline entry.
        public var timelineBack = 0
        /// The numbing application whose target already rang, so the alert fires once.
        public var numbingAlerted = false
        /// The full-screen timeline (session detail) instead of the panels; closed sessions open here.
        public var detail = false
        /// Lines scrolled back from the newest entry of the detail timeline.
        public var detailBack = 0
    }

    public var config: ClinicConfig
    public var timeZone: TimeZone
    public var width: Int
    public var height: Int
    public var screen: Screen = .today
    public var today: TodayScreen
    public var newSession = NewSessionScreen()
    public var session: SessionScreen?
    public var history: HistoryScreen?
    public var overlay: Overlay?
    public var status: Status?
    public var notice: String?
    /// The theme the console draws with (being previewed while the picker is open).
    public var themeName = Theme.standard.name
    /// The privacy screen is up: nothing about any patient is drawn until a key is pressed.
    public var hidden = false

    public static let minWidth = 80
    public static let minHeight = 24

    public var tooSmall: Bool { width < Self.minWidth || height < Self.minHeight }
}

/// Why a form is open, so its values can be turned into the right command.
public enum FormPurpose: Equatable {
    case newPatient
    case startSession(Patient)
    case consent, override, bloodDraw, centrifuge, prpPrepared, growthFactors
    case numbingApply, numbingSkip, logPass(zone: String), prpApply, postCare, aftercareDeclined
    case aftercareSave(SheetPreview)
    case goToDate
    case note, adverseEvent, void([Int]), abort
}

public enum ConfirmAction: Equatable {
    case leaveSession
    case depth(zone: String, depth: Double)
    case complete
    case saveScreening
}
