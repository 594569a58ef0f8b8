import ChairsideCore
import TestSupport
import XCTest

final class WarningRuleTests: XCTestCase {
    func testSessionSoonerThanMinimumIntervalWarns() throws {
        let last = SessionRef(
            sessionID: "20261101-090000-0001", startedAt: Fixture.t0.addingTimeInterval(-20 * 86_400),
            status: .completed)
        var d = SessionDriver(context: Fixture.context(history: [last]))
        let events = try d.run(
            .start(patient: Fixture.patient(), technician: "A", room: "R", plannedZones: ["nose"]), after: 0)
        XCTAssertEqual(
            events.last?.kind,
            .warning(code: "interval", message: "Last session was 20 days ago; the protocol asks for at least 28."))
    }

    func testAbortedEarlierSessionsDoNotCountForTheInterval() throws {
        let aborted = SessionRef(
            sessionID: "20261115-090000-0001", startedAt: Fixture.t0.addingTimeInterval(-6 * 86_400), status: .aborted)
        let done = SessionRef(
            sessionID: "20261001-090000-0001", startedAt: Fixture.t0.addingTimeInterval(-51 * 86_400),
            status: .completed)
        var d = SessionDriver(context: Fixture.context(history: [aborted, done]))
        try d.run(.start(patient: Fixture.patient(), technician: "A", room: "R", plannedZones: ["nose"]), after: 0)
        XCTAssertTrue(d.state.warnings.isEmpty)
    }

    func testNumbingDwellPastMaximumWarnsOnRemoval() throws {
        var d = SessionDriver()
        _ = try d.screened()
        try d.run(.applyNumbing(agent: "BLT", lot: "N", zones: ["cheeks"], dwellTargetMinutes: 30))
        try d.run(.removeNumbing, after: 50)
        XCTAssertEqual(d.state.warnings, ["Numbing stayed on 50 min, past the 45 min maximum."])
        XCTAssertEqual(
            d.state.numbingDwellSeconds(now: d.clock.addingTimeInterval(999)), 3000,
            "the dwell stops counting at removal")
    }

    func testNumbingWithinMaximumDoesNotWarn() throws {
        var d = SessionDriver()
        _ = try d.screened()
        try d.run(.applyNumbing(agent: "BLT", lot: "N", zones: ["cheeks"], dwellTargetMinutes: 30))
        try d.run(.removeNumbing, after: 44)
        XCTAssertTrue(d.state.warnings.isEmpty)
    }

    func testPRPOlderThanLimitWarnsWhenApplied() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        XCTAssertTrue(d.state.warnings.isEmpty)
        try d.run(.applyPRP(zone: nil, volumeML: 2, method: .after), after: 245)
        XCTAssertTrue(
            d.state.warnings.contains { $0.hasPrefix("PRP is 2") && $0.hasSuffix("past the 240 min limit.") },
            "\(d.state.warnings)")
    }

    func testApplyingMorePRPThanPreparedWarns() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        try d.run(.applyPRP(zone: "cheeks", volumeML: 3, method: .duringPasses))
        try d.run(.applyPRP(zone: "forehead", volumeML: 2, method: .after))
        XCTAssertEqual(d.state.warnings, ["5.0 mL applied in all, more than the 4.0 mL prepared."])
    }

    func testVoidingAStepTakesItsWarningsButNoOthers() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        try d.run(
            .logPass(
                Pass(zone: "neck", depth: 0.5, count: 1, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false))
        let events = try d.run(.applyPRP(zone: nil, volumeML: 9, method: .after))
        XCTAssertEqual(d.state.warnings.count, 2)
        try d.run(.void(seq: events[0].seq, reason: "typed 9 for 0.9"))
        XCTAssertEqual(d.state.warnings, ["Neck was not among the planned zones."], "the PRP's warning went with it")
        XCTAssertEqual(SessionSummary(state: d.state, journalBytes: 0)?.warnings, 1)
        XCTAssertEqual(
            d.state.events.filter { if case .warning = $0.kind { true } else { false } }.count, 2,
            "the record keeps both warning events")
    }

    func testPassInUnplannedZoneWarns() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        try d.run(
            .logPass(
                Pass(zone: "neck", depth: 0.5, count: 1, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false))
        XCTAssertEqual(d.state.warnings, ["Neck was not among the planned zones."])
    }

    func testProtocolLimitsAreSettingsNotConstants() throws {
        var proto = ClinicProtocol.standard
        proto.numbingDwellMaxMinutes = 60
        proto.minimumIntervalDays = 14
        let last = SessionRef(
            sessionID: "20261101-090000-0001", startedAt: Fixture.t0.addingTimeInterval(-20 * 86_400),
            status: .completed)
        var d = SessionDriver(
            context: DecisionContext(protocolSettings: proto, history: [last], actor: "A", timeZone: Fixture.utc))
        _ = try d.screened()
        try d.run(.applyNumbing(agent: "BLT", lot: "N", zones: ["cheeks"], dwellTargetMinutes: 30))
        try d.run(.removeNumbing, after: 50)
        XCTAssertTrue(d.state.warnings.isEmpty, "\(d.state.warnings)")
    }

    func testCurrentStepFollowsTheRoom() throws {
        var d = SessionDriver()
        _ = try d.started()
        XCTAssertEqual(d.state.currentStep(), .screening)
        try d.run(.recordScreening(answers: Fixture.noScreeningFlags()))
        try d.run(.recordConsent(signedBy: "P"))
        XCTAssertEqual(d.state.currentStep(), .numbing)
        try d.run(.applyNumbing(agent: "BLT", lot: "N", zones: ["cheeks"], dwellTargetMinutes: 30))
        XCTAssertEqual(d.state.currentStep(), .prp, "while the cream dwells, the blood is drawn")
        try d.run(.openGrowthFactors(product: "GF", lot: "1"))
        XCTAssertEqual(d.state.currentStep(), .numbing)
        try d.run(.removeNumbing, after: 30)
        try d.run(.cleanseSkin)
        XCTAssertEqual(d.state.currentStep(), .needling)
        try d.run(
            .logPass(
                Pass(zone: "cheeks", depth: 1, count: 1, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false))
        XCTAssertEqual(d.state.currentStep(), .needling, "needling goes on after the first pass")
        try d.run(.applyPRP(zone: nil, volumeML: 1, method: .after))
        XCTAssertEqual(d.state.currentStep(), .postCare)
        try d.run(.applyPostCare(product: "Serum", lot: "S1"))
        XCTAssertEqual(d.state.currentStep(), .aftercare)
    }
}
