import ChairsideCore
import TestSupport
import XCTest

/// Values a technician types are checked before anything is recorded.
final class DeciderValueTests: XCTestCase {
    func testBloodDrawValuesAreChecked() throws {
        var d = SessionDriver()
        _ = try d.screened()
        XCTAssertEqual(
            d.attempt(.drawBlood(volumeML: 0, tubes: 3, lot: "T")), .invalidValue("Blood volume must be 1 to 120 mL."))
        XCTAssertEqual(d.attempt(.drawBlood(volumeML: 30, tubes: 0, lot: "T")), .invalidValue("Tubes must be 1 to 12."))
        XCTAssertEqual(d.attempt(.drawBlood(volumeML: 30, tubes: 3, lot: " ")), .missingField("The tube lot"))
    }

    func testCentrifugeProgramIsChecked() throws {
        var d = SessionDriver()
        _ = try d.screened()
        try d.run(.drawBlood(volumeML: 30, tubes: 3, lot: "T"))
        XCTAssertEqual(
            d.attempt(.startCentrifuge(CentrifugeProgram(unit: .g, value: 50_000, minutes: 8))),
            .invalidValue("Centrifuge g-force must be 100 to 5000."))
        XCTAssertEqual(
            d.attempt(.startCentrifuge(CentrifugeProgram(unit: .rpm, value: 100, minutes: 8))),
            .invalidValue("Centrifuge RPM must be 500 to 6000."))
        XCTAssertEqual(
            d.attempt(.startCentrifuge(CentrifugeProgram(unit: .g, value: 1500, minutes: 0))),
            .invalidValue("Centrifuge time must be 1 to 60 minutes."))
    }

    func testNumbingNeedsAgentLotZonesAndASaneTarget() throws {
        var d = SessionDriver()
        _ = try d.screened()
        XCTAssertEqual(
            d.attempt(.applyNumbing(agent: "", lot: "L", zones: ["cheeks"], dwellTargetMinutes: 30)),
            .missingField("The numbing agent"))
        XCTAssertEqual(
            d.attempt(.applyNumbing(agent: "A", lot: "L", zones: [], dwellTargetMinutes: 30)),
            .missingField("At least one zone for the numbing"))
        XCTAssertEqual(
            d.attempt(.applyNumbing(agent: "A", lot: "L", zones: ["knee"], dwellTargetMinutes: 30)),
            .unknownZone("knee"))
        XCTAssertEqual(
            d.attempt(.applyNumbing(agent: "A", lot: "L", zones: ["cheeks"], dwellTargetMinutes: 0)),
            .invalidValue("Dwell target must be 1 to 180 minutes."))
        XCTAssertEqual(d.attempt(.removeNumbing), .numbingNotApplied)
    }

    func testPassValuesAreChecked() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        XCTAssertEqual(
            d.attempt(
                .logPass(
                    Pass(zone: "elbow", depth: 0.5, count: 1, pattern: .vertical, endpoint: .erythema),
                    confirmAboveProtocol: false)), .unknownZone("elbow"))
        XCTAssertEqual(
            d.attempt(
                .logPass(
                    Pass(zone: "cheeks", depth: 1, count: 0, pattern: .vertical, endpoint: .erythema),
                    confirmAboveProtocol: false)), .invalidValue("Pass count must be 1 to 20."))
        XCTAssertEqual(
            d.attempt(
                .logPass(
                    Pass(zone: "cheeks", depth: -1, count: 1, pattern: .vertical, endpoint: .erythema),
                    confirmAboveProtocol: true)), .invalidValue("Depth must be more than 0 mm."))
    }

    func testUnknownScreeningItemIsRefused() throws {
        var d = SessionDriver()
        _ = try d.started()
        XCTAssertEqual(
            d.attempt(.recordScreening(answers: [ScreeningAnswer(item: "astrology", present: true)])),
            .invalidValue("astrology is not on the screening checklist."))
    }

    func testAdverseEventNeedsADescriptionAndIsRecorded() throws {
        var d = SessionDriver()
        _ = try d.screened()
        XCTAssertEqual(d.attempt(.adverseEvent(" ")), .missingField("A description of the adverse event"))
        try d.run(.adverseEvent("Vasovagal episode, recovered lying flat"))
        XCTAssertEqual(d.state.adverseEvents, ["Vasovagal episode, recovered lying flat"])
    }

    func testAbortNeedsAReason() throws {
        var d = SessionDriver()
        _ = try d.screened()
        XCTAssertEqual(d.attempt(.abort(reason: "")), .missingField("A reason for aborting"))
        try d.run(.abort(reason: "Patient left"))
        XCTAssertEqual(d.state.status, .aborted)
    }

    func testOverrideIsAttributedToTheProvider() throws {
        var d = SessionDriver()
        _ = try d.started()
        try d.run(.recordScreening(answers: [ScreeningAnswer(item: "keloid", present: true)]))
        try d.run(.recordConsent(signedBy: "P"))
        let events = try d.run(.override(provider: "Dr Chen", reason: "Small test patch healed well"))
        XCTAssertEqual(
            events[0].kind, .overridden(provider: "Dr Chen", reason: "Small test patch healed well", items: ["keloid"]))
        XCTAssertEqual(events[0].by, "Dr Chen")
    }
}
