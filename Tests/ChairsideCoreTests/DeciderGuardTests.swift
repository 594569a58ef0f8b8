import ChairsideCore
import TestSupport
import XCTest

final class DeciderGuardTests: XCTestCase {
    func testNothingClinicalBeforeScreening() throws {
        var d = SessionDriver()
        _ = try d.started()
        XCTAssertEqual(d.attempt(.drawBlood(volumeML: 30, tubes: 3, lot: "T")), .screeningFirst)
        XCTAssertEqual(
            d.attempt(.applyNumbing(agent: "A", lot: "L", zones: ["cheeks"], dwellTargetMinutes: 30)), .screeningFirst)
        XCTAssertEqual(d.attempt(.recordConsent(signedBy: "P")), .screeningFirst)
    }

    func testConsentRequiredAfterScreening() throws {
        var d = SessionDriver()
        _ = try d.started()
        try d.run(.recordScreening(answers: Fixture.noScreeningFlags()))
        XCTAssertEqual(d.attempt(.skipNumbing(reason: "patient preference")), .consentFirst)
    }

    func testCommandsBeforeStartAreRefused() {
        let d = SessionDriver()
        XCTAssertEqual(d.attempt(.note("hello")), .notStarted)
        XCTAssertEqual(d.attempt(.pause), .notStarted)
        XCTAssertEqual(d.attempt(.recordScreening(answers: [])), .notStarted)
    }

    func testStartNeedsZonesKnownToTheProtocol() {
        let d = SessionDriver()
        XCTAssertEqual(
            d.attempt(.start(patient: Fixture.patient(), technician: "A", room: "R", plannedZones: [])),
            .missingField("At least one planned zone"))
        XCTAssertEqual(
            d.attempt(.start(patient: Fixture.patient(), technician: "A", room: "R", plannedZones: ["elbow"])),
            .unknownZone("elbow"))
        XCTAssertEqual(
            d.attempt(.start(patient: Fixture.patient(), technician: " ", room: "R", plannedZones: ["nose"])),
            .missingField("The technician"))
    }

    func testBlockingContraindicationStopsUntilProviderOverrides() throws {
        var d = SessionDriver()
        _ = try d.started()
        var answers = Fixture.noScreeningFlags()
        answers[0].present = true  // pregnancy
        let events = try d.run(.recordScreening(answers: answers))
        XCTAssertTrue(
            events.contains { if case .warning(let code, _) = $0.kind { code == "screening.pregnancy" } else { false } }
        )
        try d.run(.recordConsent(signedBy: "P"))
        XCTAssertEqual(
            d.attempt(.drawBlood(volumeML: 30, tubes: 3, lot: "T")), .blockedByScreening(["Pregnant or breastfeeding"]))
        XCTAssertEqual(
            d.attempt(.override(provider: "Dr Chen", reason: "")), .missingField("A reason for the override"))
        let override = try d.run(.override(provider: "Dr Chen", reason: "Confirmed not pregnant by test today"))
        XCTAssertEqual(override.first?.by, "Dr Chen")
        XCTAssertNil(d.attempt(.drawBlood(volumeML: 30, tubes: 3, lot: "T")))
    }

    func testOverrideRefusedWhenNothingBlocks() throws {
        var d = SessionDriver()
        _ = try d.screened()
        XCTAssertEqual(d.attempt(.override(provider: "Dr Chen", reason: "x")), .nothingToOverride)
    }

    func testWarnItemsAreRecordedButDoNotBlock() throws {
        var d = SessionDriver()
        _ = try d.started()
        let answers = Fixture.noScreeningFlags().map { a in
            a.item == "herpes" ? ScreeningAnswer(item: "herpes", present: true) : a
        }
        try d.run(.recordScreening(answers: answers))
        try d.run(.recordConsent(signedBy: "P"))
        XCTAssertEqual(d.state.warnings, ["Screening: Cold sores (herpes simplex) history."])
        XCTAssertNil(d.attempt(.drawBlood(volumeML: 30, tubes: 3, lot: "T")))
    }

    func testNeurotoxinOutsideItsWindowDoesNotWarn() throws {
        var d = SessionDriver()
        _ = try d.started()
        let old = ScreeningAnswer(item: "neurotoxin", present: true, lastDate: ClinicDay(string: "2026-10-01"))
        try d.run(.recordScreening(answers: [old]))
        XCTAssertTrue(d.state.warnings.isEmpty)
    }

    func testNeurotoxinWithinTwoWeeksWarns() throws {
        var d = SessionDriver()
        _ = try d.started()
        let recent = ScreeningAnswer(item: "neurotoxin", present: true, lastDate: ClinicDay(string: "2026-11-14"))
        try d.run(.recordScreening(answers: [recent]))
        XCTAssertEqual(
            d.state.warnings, ["Screening: Neurotoxin in the last 2 weeks (last: 14 Nov 2026 (7 days ago))."])
    }

    func testIsotretinoinInsideWashoutBlocks() throws {
        var d = SessionDriver()
        _ = try d.started()
        try d.run(
            .recordScreening(answers: [
                ScreeningAnswer(item: "isotretinoin", present: true, lastDate: ClinicDay(string: "2026-08-01"))
            ]))
        try d.run(.recordConsent(signedBy: "P"))
        XCTAssertEqual(d.attempt(.skipNumbing(reason: "r")), .blockedByScreening(["Isotretinoin in the last 6 months"]))
    }

    func testIsotretinoinPastWashoutDoesNotBlock() throws {
        var d = SessionDriver()
        _ = try d.started()
        try d.run(
            .recordScreening(answers: [
                ScreeningAnswer(item: "isotretinoin", present: true, lastDate: ClinicDay(string: "2025-01-10"))
            ]))
        try d.run(.recordConsent(signedBy: "P"))
        XCTAssertNil(d.attempt(.skipNumbing(reason: "r")))
    }

    func testNeedlingRefusedWhileNumbingStillOn() throws {
        var d = SessionDriver()
        _ = try d.screened()
        try d.run(.applyNumbing(agent: "BLT", lot: "N", zones: ["cheeks"], dwellTargetMinutes: 30))
        let pass = Pass(zone: "cheeks", depth: 1.0, count: 1, pattern: .horizontal, endpoint: .erythema)
        XCTAssertEqual(d.attempt(.logPass(pass, confirmAboveProtocol: false)), .numbingStillOn)
        XCTAssertEqual(d.attempt(.cleanseSkin), .numbingStillOn)
        try d.run(.removeNumbing, after: 30)
        XCTAssertEqual(d.attempt(.logPass(pass, confirmAboveProtocol: false)), .skinNotCleansed)
        try d.run(.cleanseSkin)
        XCTAssertNil(d.attempt(.logPass(pass, confirmAboveProtocol: false)))
    }

    func testSkippingNumbingWithReasonAllowsNeedling() throws {
        var d = SessionDriver()
        _ = try d.screened()
        XCTAssertEqual(d.attempt(.skipNumbing(reason: "")), .missingField("A reason for skipping numbing"))
        try d.run(.skipNumbing(reason: "Patient declined numbing"))
        try d.run(.cleanseSkin)
        XCTAssertNil(
            d.attempt(
                .logPass(
                    Pass(zone: "forehead", depth: 0.5, count: 1, pattern: .vertical, endpoint: .erythema),
                    confirmAboveProtocol: false)))
        XCTAssertEqual(
            d.attempt(.applyNumbing(agent: "A", lot: "L", zones: ["forehead"], dwellTargetMinutes: 30)),
            .numbingAlreadyDecided)
    }

    func testPRPNeedsDrawSpinAndPreparationBeforeApplication() throws {
        var d = SessionDriver()
        _ = try d.screened()
        XCTAssertEqual(d.attempt(.applyPRP(zone: nil, volumeML: 1, method: .after)), .prpNotReady)
        XCTAssertEqual(
            d.attempt(.startCentrifuge(CentrifugeProgram(unit: .g, value: 1500, minutes: 8))), .bloodNotDrawn)
        try d.run(.drawBlood(volumeML: 30, tubes: 3, lot: "T"))
        XCTAssertEqual(d.attempt(.preparePRP(volumeML: 4)), .centrifugeNotStarted)
        try d.run(.startCentrifuge(CentrifugeProgram(unit: .rpm, value: 3200, minutes: 8)))
        XCTAssertEqual(
            d.attempt(.startCentrifuge(CentrifugeProgram(unit: .g, value: 1500, minutes: 8))), .centrifugeAlreadyRunning
        )
        XCTAssertEqual(d.attempt(.preparePRP(volumeML: 4)), .centrifugeStillRunning)
        try d.run(.stopCentrifuge, after: 8)
        XCTAssertEqual(d.attempt(.stopCentrifuge), .centrifugeNotRunning)
        try d.run(.preparePRP(volumeML: 4))
        XCTAssertEqual(d.attempt(.openGrowthFactors(product: "GF", lot: "G1")), .prpAlreadyAvailable)
        XCTAssertNil(d.attempt(.applyPRP(zone: nil, volumeML: 1, method: .after)))
    }

    func testGrowthFactorsCanReplaceAutologousPRP() throws {
        var d = SessionDriver()
        _ = try d.screened()
        XCTAssertEqual(d.attempt(.openGrowthFactors(product: "GF", lot: "")), .missingField("The product lot"))
        try d.run(.openGrowthFactors(product: "Exo GF", lot: "G-12"))
        XCTAssertNil(d.attempt(.applyPRP(zone: "cheeks", volumeML: 2, method: .duringPasses)))
    }

    func testDepthAboveProtocolNeedsConfirmationAndIsRecorded() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        let deep = Pass(zone: "forehead", depth: 1.0, count: 1, pattern: .horizontal, endpoint: .pinpointBleeding)
        XCTAssertEqual(
            d.attempt(.logPass(deep, confirmAboveProtocol: false)),
            .depthAboveProtocol(zone: "Forehead", depth: 1.0, max: 0.75))
        let events = try d.run(.logPass(deep, confirmAboveProtocol: true))
        XCTAssertEqual(events.first?.kind, .passLogged(pass: deep, aboveProtocolConfirmed: true))
        XCTAssertTrue(d.state.warnings.contains { $0.contains("above the protocol maximum") })
    }

    func testDepthAboveDeviceMaximumIsRefusedEvenWhenConfirmed() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        let tooDeep = Pass(zone: "cheeks", depth: 2.75, count: 1, pattern: .horizontal, endpoint: .pinpointBleeding)
        XCTAssertEqual(
            d.attempt(.logPass(tooDeep, confirmAboveProtocol: true)), .depthAboveDevice(depth: 2.75, max: 2.5))
        XCTAssertEqual(
            d.attempt(.changeDepth(zone: "cheeks", to: 3.0, confirmAboveProtocol: true)),
            .depthAboveDevice(depth: 3.0, max: 2.5))
        XCTAssertEqual(
            d.attempt(.changeDepth(zone: "cheeks", to: 0, confirmAboveProtocol: false)),
            .invalidValue("Depth must be more than 0 mm."))
    }

    func testDepthChangeRemembersTheZoneDepth() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        XCTAssertEqual(d.state.depth(for: "cheeks", proto: Fixture.proto), 1.0)
        try d.run(.changeDepth(zone: "cheeks", to: 1.25, confirmAboveProtocol: false))
        XCTAssertEqual(d.state.depth(for: "cheeks", proto: Fixture.proto), 1.25)
    }

    func testCompletionNeedsAPassAndAftercare() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        XCTAssertEqual(d.attempt(.complete), .noPassYet)
        XCTAssertEqual(d.attempt(.recordAftercare(.handedPrePrinted)), .noPassYet)
        try d.run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.0, count: 3, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false))
        XCTAssertEqual(d.attempt(.complete), .aftercareMissing)
        XCTAssertEqual(
            d.attempt(.recordAftercare(.declined(reason: " "))), .missingField("A reason the patient declined"))
        try d.run(.recordAftercare(.handedPrePrinted))
        XCTAssertEqual(d.attempt(.recordAftercare(.handedPrePrinted)), .aftercareAlreadyGiven)
        XCTAssertEqual(d.attempt(.complete), .completionNeedsReason([.noPRPApplied, .noPostCare]))
        try d.run(.applyPRP(zone: nil, volumeML: 3, method: .after))
        try d.run(.applyPostCare(product: "Serum", lot: "S-1"))
        try d.run(.complete)
        XCTAssertEqual(d.state.status, .completed)
    }

    func testClosedSessionOnlyGrowsByNotesAndAmendments() throws {
        var d = SessionDriver()
        _ = try d.screened()
        XCTAssertEqual(d.attempt(.amend(text: "x", refersTo: nil)), .notCompleted)
        try d.run(.abort(reason: "Patient felt faint"))
        XCTAssertEqual(d.attempt(.skipNumbing(reason: "r")), .sessionClosed)
        XCTAssertEqual(d.attempt(.void(seq: 2, reason: "r")), .sessionClosed)
        XCTAssertEqual(d.attempt(.abort(reason: "again")), .sessionClosed)
        XCTAssertEqual(
            try d.run(.note("Called patient at 17:00, feeling fine")).map(\.kind),
            [.amended(text: "Called patient at 17:00, feeling fine", refersTo: nil)])
        XCTAssertEqual(d.attempt(.amend(text: "x", refersTo: 99)), .unknownEvent(99))
        let events = try d.run(.amend(text: "Consent was signed on paper too", refersTo: 3))
        XCTAssertEqual(events.first?.kind, .amended(text: "Consent was signed on paper too", refersTo: 3))
    }

    func testPausedSessionRefusesClinicalStepsUntilResumed() throws {
        var d = SessionDriver()
        _ = try d.screened()
        try d.run(.pause)
        XCTAssertEqual(d.attempt(.skipNumbing(reason: "r")), .sessionPaused)
        XCTAssertEqual(d.attempt(.pause), .invalidValue("The session is already paused."))
        XCTAssertNil(d.attempt(.note("waiting for the doctor")))
        try d.run(.resume)
        XCTAssertEqual(d.attempt(.resume), .notPaused)
        XCTAssertNil(d.attempt(.skipNumbing(reason: "r")))
    }

    func testVoidCancelsAnEventWithoutDeletingIt() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        let pass = try d.run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.0, count: 1, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false))
        let seq = pass[0].seq
        XCTAssertEqual(d.attempt(.void(seq: seq, reason: "")), .missingField("A reason for the void"))
        try d.run(.void(seq: seq, reason: "Logged on the wrong zone"))
        XCTAssertTrue(d.state.passes.isEmpty)
        XCTAssertNotNil(d.state.event(seq: seq), "the voided event stays in the record")
        XCTAssertEqual(d.state.voided[seq], "Logged on the wrong zone")
        XCTAssertEqual(d.attempt(.void(seq: seq, reason: "again")), .cannotVoid("Event #\(seq) is already voided."))
        XCTAssertEqual(
            d.attempt(.void(seq: 1, reason: "r")), .cannotVoid("Event #1 cannot be voided; add a note instead."))
        XCTAssertEqual(d.attempt(.void(seq: 999, reason: "r")), .unknownEvent(999))
        XCTAssertEqual(d.attempt(.complete), .noPassYet, "a voided pass does not count")
    }

    func testVoidedScreeningCanBeRecordedAgain() throws {
        var d = SessionDriver()
        _ = try d.started()
        let first = try d.run(.recordScreening(answers: Fixture.noScreeningFlags()))
        XCTAssertNotNil(d.attempt(.recordScreening(answers: Fixture.noScreeningFlags())))
        try d.run(.void(seq: first[0].seq, reason: "Answered for the wrong patient"))
        XCTAssertNil(d.attempt(.recordScreening(answers: Fixture.noScreeningFlags())))
    }

    func testSequenceNumbersFollowTheJournal() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        XCTAssertEqual(d.state.events.map(\.seq), Array(1...d.state.events.count))
    }

    func testEventsAreStampedToTheMillisecond() throws {
        var d = SessionDriver()
        d.clock = Date(timeIntervalSince1970: 1_795_251_600.123456)
        let events = try d.run(
            .start(patient: Fixture.patient(), technician: "A", room: "R", plannedZones: ["nose"]), after: 0)
        XCTAssertEqual(events[0].at.timeIntervalSince1970, 1_795_251_600.123, accuracy: 0.0000001)
    }
}
