import ChairsideCore
import Foundation

/// Small builders for tests: a fixed clock, a patient, and a session walked to a given step.
public enum Fixture {
    /// 2026-11-21 09:00:00 UTC.
    public static let t0 = Date(timeIntervalSince1970: 1_795_251_600)
    public static let proto = ClinicProtocol.standard
    public static let utc = TimeZone(identifier: "UTC")!

    public static func patient(_ name: String = "José Müller", id: String = "p-0001", chart: String = "C-1001")
        -> Patient
    {
        Patient(id: id, name: name, dateOfBirth: ClinicDay(string: "1988-04-02"), chartNumber: chart, fitzpatrick: 3)
    }

    public static func context(
        history: [SessionRef] = [], actor: String = "Alex Rivera", timeZone: TimeZone = utc
    ) -> DecisionContext {
        DecisionContext(protocolSettings: proto, history: history, actor: actor, timeZone: timeZone)
    }

    public static func minutes(_ m: Double) -> Date { t0.addingTimeInterval(m * 60) }

    public static func noScreeningFlags() -> [ScreeningAnswer] {
        proto.contraindications.map { ScreeningAnswer(item: $0.id, present: false) }
    }
}

/// Drives a session through the decider, failing loudly if a step is refused.
public struct SessionDriver {
    public var state: SessionState
    public var context: DecisionContext
    public var clock: Date

    public init(id: String = "20261121-090000-0001", context: DecisionContext = Fixture.context()) {
        state = SessionState(id: id)
        self.context = context
        clock = Fixture.t0
    }

    @discardableResult
    public mutating func run(_ command: SessionCommand, after minutes: Double = 1) throws -> [SessionEvent] {
        clock = clock.addingTimeInterval(minutes * 60)
        let events = try Decider.decide(command, state: state, context: context, now: clock)
        state = events.reduce(state) { $0.evolve($1) }
        return events
    }

    public func attempt(_ command: SessionCommand, after minutes: Double = 1) -> Refusal? {
        do {
            _ = try Decider.decide(command, state: state, context: context, now: clock.addingTimeInterval(minutes * 60))
            return nil
        } catch {
            return error
        }
    }

    public mutating func started(zones: [String] = ["forehead", "cheeks"]) throws -> SessionDriver {
        try run(
            .start(patient: Fixture.patient(), technician: "Alex Rivera", room: "Room 1", plannedZones: zones), after: 0
        )
        return self
    }

    public mutating func screened() throws -> SessionDriver {
        _ = try started()
        try run(.recordScreening(answers: Fixture.noScreeningFlags()))
        try run(.recordConsent(signedBy: "José Müller"))
        return self
    }

    /// Screening done, blood spun, PRP ready, numbing on for 30 minutes and removed, skin cleansed.
    public mutating func readyToNeedle() throws -> SessionDriver {
        _ = try started()
        return try preparedForNeedling()
    }

    /// The same walk for a session that has already started (for instance through a store).
    public mutating func preparedForNeedling() throws -> SessionDriver {
        try run(.recordScreening(answers: Fixture.noScreeningFlags()))
        try run(.recordConsent(signedBy: "José Müller"))
        try run(.applyNumbing(agent: "BLT 20/8/4", lot: "N-77", zones: ["forehead", "cheeks"], dwellTargetMinutes: 30))
        try run(.drawBlood(volumeML: 30, tubes: 3, lot: "T-1"), after: 2)
        try run(.startCentrifuge(CentrifugeProgram(unit: .g, value: 1500, minutes: 8)))
        try run(.stopCentrifuge, after: 8)
        try run(.preparePRP(volumeML: 4))
        try run(.removeNumbing, after: 18)
        try run(.cleanseSkin)
        return self
    }

    /// Needled (forehead 0.5 mm; cheeks 1.0 then 1.5 mm), PRP on, post-care done: ready for aftercare.
    public mutating func treated() throws -> SessionDriver {
        _ = try readyToNeedle()
        try run(
            .logPass(
                Pass(zone: "forehead", depth: 0.5, count: 3, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false), after: 4)
        try run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.0, count: 2, pattern: .vertical, endpoint: .erythema),
                confirmAboveProtocol: false), after: 4)
        try run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.5, count: 1, pattern: .diagonal, endpoint: .pinpointBleeding),
                confirmAboveProtocol: false), after: 4)
        try run(.applyPRP(zone: nil, volumeML: 3.5, method: .after), after: 2)
        try run(.applyPostCare(product: "Soothing serum", lot: "S-9"), after: 3)
        return self
    }
}
