import ChairsideCore
import TestSupport
import XCTest

/// Dated screening at its edges, typed depth changes, completion checks and short spins.
final class DatedScreeningTests: XCTestCase {
    /// The screening is recorded on 2026-11-21 (Fixture.t0 plus a minute).
    private let today = ClinicDay(string: "2026-11-21")!

    private func screen(_ item: String, daysAgo: Int?, context: DecisionContext = Fixture.context()) throws
        -> SessionState
    {
        var d = SessionDriver(context: context)
        _ = try d.started()
        let answer = ScreeningAnswer(item: item, present: true, lastDate: daysAgo.map { today.adding(days: -$0) })
        try d.run(.recordScreening(answers: [answer]))
        return d.state
    }

    private func warned(_ item: String, daysAgo: Int?) throws -> Bool {
        try screen(item, daysAgo: daysAgo).events.contains {
            if case .warning(let code, _) = $0.kind { code == "screening.\(item)" } else { false }
        }
    }

    func testNeurotoxinCountsForThirteenDaysAndNotFromTheFourteenth() throws {
        XCTAssertTrue(try warned("neurotoxin", daysAgo: 13))
        XCTAssertFalse(try warned("neurotoxin", daysAgo: 14), "at least 2 weeks after: day 14 is allowed")
        XCTAssertFalse(try warned("neurotoxin", daysAgo: 15))
    }

    func testBotoxFiveDaysAgoRecordsAWarningWithItsDate() throws {
        let st = try screen("neurotoxin", daysAgo: 5)
        XCTAssertEqual(st.warnings, ["Screening: Neurotoxin in the last 2 weeks (last: 16 Nov 2026 (5 days ago))."])
        XCTAssertEqual(st.answers?.first?.lastDate, ClinicDay(string: "2026-11-16"), "the date is in the record")
        XCTAssertFalse(try warned("neurotoxin", daysAgo: 20))
    }

    func testEveryTimeBoundItemAtItsEdges() throws {
        for item in Screening.timeBound(in: .standard) {
            let days = item.withinDays!
            XCTAssertTrue(try warned(item.id, daysAgo: days - 1), "\(item.id) at \(days - 1) days")
            XCTAssertFalse(try warned(item.id, daysAgo: days), "\(item.id) at \(days) days")
            XCTAssertFalse(try warned(item.id, daysAgo: days + 1), "\(item.id) at \(days + 1) days")
            XCTAssertTrue(try warned(item.id, daysAgo: nil), "\(item.id) with no date counts, as if recent")
        }
        XCTAssertEqual(
            Set(Screening.timeBound(in: .standard).map(\.id)),
            ["isotretinoin", "neurotoxin", "filler", "retinoids", "nsaids", "sun-laser"])
    }

    func testIsotretinoinTwoMonthsAgoBlocksUntilAProviderOverrides() throws {
        var d = SessionDriver()
        _ = try d.started()
        try d.run(
            .recordScreening(answers: [
                ScreeningAnswer(
                    item: "isotretinoin", present: true,
                    lastDate: today.adding(months: -2))
            ]))
        try d.run(.recordConsent(signedBy: "José Müller"))
        XCTAssertEqual(
            d.attempt(.drawBlood(volumeML: 30, tubes: 3, lot: "T")),
            .blockedByScreening(["Isotretinoin in the last 6 months"]))
        try d.run(.override(provider: "Dr Shah", reason: "stopped early, dermatologist's letter"))
        try d.run(.drawBlood(volumeML: 30, tubes: 3, lot: "T"))
        XCTAssertFalse(try warned("isotretinoin", daysAgo: 182))
        XCTAssertTrue(try warned("isotretinoin", daysAgo: 181))
    }

    func testAClinicItemWithWithinDaysIsDated() throws {
        var proto = ClinicProtocol.standard
        proto.contraindications.append(
            Contraindication(id: "peel", label: "Chemical peel in the last 10 days", severity: .warn, withinDays: 10))
        let context = DecisionContext(protocolSettings: proto, actor: "Alex Rivera", timeZone: Fixture.utc)
        XCTAssertEqual(try screen("peel", daysAgo: 9, context: context).warnings.count, 1)
        XCTAssertEqual(try screen("peel", daysAgo: 10, context: context).warnings.count, 0)
    }

    func testADateAfterTodayIsRefused() throws {
        var d = SessionDriver()
        _ = try d.started()
        let answer = ScreeningAnswer(item: "neurotoxin", present: true, lastDate: today.adding(days: 1))
        XCTAssertEqual(
            d.attempt(.recordScreening(answers: [answer])),
            .invalidValue("neurotoxin: 2026-11-22 is after today; give when it last happened."))
    }

    func testRelativeEntriesBecomeDates() throws {
        XCTAssertEqual(try ScreeningWhen.parse("5d", today: today), ClinicDay(string: "2026-11-16"))
        XCTAssertEqual(try ScreeningWhen.parse(" 3 weeks ", today: today), ClinicDay(string: "2026-10-31"))
        XCTAssertEqual(try ScreeningWhen.parse("6m", today: today), ClinicDay(string: "2026-05-21"))
        XCTAssertEqual(try ScreeningWhen.parse("1y", today: today), ClinicDay(string: "2025-11-21"))
        XCTAssertEqual(try ScreeningWhen.parse("today", today: today), today)
        XCTAssertEqual(try ScreeningWhen.parse("2026-09-01", today: today), ClinicDay(string: "2026-09-01"))
        XCTAssertEqual(
            try ScreeningWhen.parse("1m", today: ClinicDay(string: "2026-03-31")!), ClinicDay(string: "2026-02-28"))
        XCTAssertThrowsError(try ScreeningWhen.parse("5x", today: today))
        XCTAssertThrowsError(try ScreeningWhen.parse("last week", today: today))
        XCTAssertThrowsError(try ScreeningWhen.parse("2026-12-01", today: today)) { error in
            XCTAssertEqual(
                (error as? ScreeningWhen.Problem)?.description, "2026-12-01 is after today; type when it last happened."
            )
        }
        XCTAssertEqual(
            ScreeningWhen.describe(ClinicDay(string: "2026-11-16")!, today: today), "16 Nov 2026 (5 days ago)")
    }

    func testHistoryKeepsTheLatestDates() throws {
        let st = try screen("neurotoxin", daysAgo: 5)
        let summary = try XCTUnwrap(SessionSummary(state: st, journalBytes: 0))
        XCTAssertEqual(summary.screeningDates["neurotoxin"], ClinicDay(string: "2026-11-16"))
    }
}

final class DepthChangeTests: XCTestCase {
    private func needling() throws -> SessionDriver {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        return d
    }

    func testGoingShallowerWhileAboveTheMaximumNeverAsks() throws {
        var d = try needling()
        // Forehead: protocol maximum 0.75 mm.
        XCTAssertEqual(
            d.attempt(.changeDepth(zone: "forehead", to: 1.25, confirmAboveProtocol: false)),
            .depthAboveProtocol(zone: "Forehead", depth: 1.25, max: 0.75))
        try d.run(.changeDepth(zone: "forehead", to: 1.25, confirmAboveProtocol: true))
        let events = try d.run(.changeDepth(zone: "forehead", to: 1.0, confirmAboveProtocol: false))
        XCTAssertEqual(
            events.map(\.kind), [.depthChanged(zone: "forehead", from: 1.25, to: 1.0, aboveProtocolConfirmed: false)],
            "nobody was asked, so the record claims no confirmation")
        XCTAssertEqual(
            EventDescription.line(events[0].kind, proto: Fixture.proto),
            "Depth Forehead: 1.25 mm → 1.00 mm (still above the zone's protocol maximum)")
        try d.run(.changeDepth(zone: "forehead", to: 0.5, confirmAboveProtocol: false))
        XCTAssertEqual(d.state.depth(for: "forehead", proto: Fixture.proto), 0.5)
    }

    func testOnlyTheCrossingChangeIsRecordedAsConfirmed() throws {
        var d = try needling()
        let up = try d.run(.changeDepth(zone: "forehead", to: 1.0, confirmAboveProtocol: true))
        XCTAssertEqual(
            EventDescription.line(up[0].kind, proto: Fixture.proto),
            "Depth Forehead: 0.50 mm → 1.00 mm (above the protocol maximum, confirmed)")
        let deeper = try d.run(.changeDepth(zone: "forehead", to: 1.25, confirmAboveProtocol: false))
        XCTAssertEqual(
            deeper[0].kind, .depthChanged(zone: "forehead", from: 1.0, to: 1.25, aboveProtocolConfirmed: false))
    }

    func testAJournalWrittenBeforeNoLongerClaimsAConfirmationForASilentStep() {
        // Before, any change ending above the maximum was stored with aboveProtocolConfirmed: true.
        let old = EventKind.depthChanged(zone: "forehead", from: 1.25, to: 1.0, aboveProtocolConfirmed: true)
        XCTAssertEqual(
            EventDescription.line(old, proto: Fixture.proto),
            "Depth Forehead: 1.25 mm → 1.00 mm (still above the zone's protocol maximum)")
        let oldDeeper = EventKind.depthChanged(zone: "forehead", from: 1.0, to: 1.25, aboveProtocolConfirmed: true)
        XCTAssertFalse(EventDescription.line(oldDeeper, proto: Fixture.proto).contains("confirmed"))
        let crossing = EventKind.depthChanged(zone: "forehead", from: 0.5, to: 1.0, aboveProtocolConfirmed: true)
        XCTAssertTrue(
            EventDescription.line(crossing, proto: Fixture.proto).hasSuffix("(above the protocol maximum, confirmed)"))
    }

    func testOnlyCrossingAboveTheMaximumAsks() throws {
        var d = try needling()
        try d.run(.changeDepth(zone: "cheeks", to: 2.0, confirmAboveProtocol: false), after: 1)
        XCTAssertEqual(
            d.attempt(.changeDepth(zone: "cheeks", to: 2.5, confirmAboveProtocol: false)),
            .depthAboveProtocol(zone: "Cheeks", depth: 2.5, max: 2.0))
        try d.run(.changeDepth(zone: "cheeks", to: 2.25, confirmAboveProtocol: true))
        try d.run(.changeDepth(zone: "cheeks", to: 2.5, confirmAboveProtocol: false))
        XCTAssertEqual(
            d.attempt(.changeDepth(zone: "cheeks", to: 2.75, confirmAboveProtocol: true)),
            .depthAboveDevice(depth: 2.75, max: 2.5))
    }

    func testOneEventPerChangeHoweverFar() throws {
        var d = try needling()
        try d.run(.changeDepth(zone: "cheeks", to: 2.0, confirmAboveProtocol: false))
        let events = try d.run(.changeDepth(zone: "cheeks", to: 0.5, confirmAboveProtocol: false))
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events[0].kind, .depthChanged(zone: "cheeks", from: 2.0, to: 0.5, aboveProtocolConfirmed: false))
    }

    func testADepthOffTheStepsOrUnchangedIsRefused() throws {
        let d = try needling()
        XCTAssertEqual(
            d.attempt(.changeDepth(zone: "cheeks", to: 0.8, confirmAboveProtocol: false)),
            .depthOffStep(depth: 0.8, step: 0.25))
        XCTAssertEqual(
            Refusal.depthOffStep(depth: 0.8, step: 0.25).description,
            "0.80 mm is not on the device's 0.25 mm steps; choose 0.75 mm or 1.00 mm.")
        XCTAssertEqual(
            d.attempt(.changeDepth(zone: "cheeks", to: 1.0, confirmAboveProtocol: false)),
            .depthUnchanged(zone: "Cheeks", depth: 1.0))
    }
}

final class CompletionCheckTests: XCTestCase {
    /// Needled, aftercare handed, but no PRP applied and no post-care.
    private func bare(_ proto: ClinicProtocol = .standard) throws -> SessionDriver {
        var d = SessionDriver(
            context: DecisionContext(protocolSettings: proto, actor: "Alex Rivera", timeZone: Fixture.utc))
        _ = try d.readyToNeedle()
        try d.run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.0, count: 3, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false))
        try d.run(.recordAftercare(.handedPrePrinted))
        return d
    }

    func testNoPRPAppliedAsksForAReasonThatIsRecorded() throws {
        var d = try bare()
        try d.run(.applyPostCare(product: "Serum", lot: "S"))
        XCTAssertEqual(d.attempt(.complete), .completionNeedsReason([.noPRPApplied]))
        XCTAssertEqual(d.attempt(.completeWithReasons([.noPRPApplied: "  "])), .completionNeedsReason([.noPRPApplied]))
        let events = try d.run(.completeWithReasons([.noPRPApplied: "growth factors used instead"]))
        XCTAssertEqual(
            events.map(\.kind),
            [
                .warning(
                    code: "completion.no-prp-applied",
                    message: "No PRP applied; completed because: growth factors used instead."),
                .completed,
            ])
    }

    func testNoPostCareAsksForAReasonThatIsRecorded() throws {
        var d = try bare()
        try d.run(.applyPRP(zone: nil, volumeML: 3, method: .after))
        XCTAssertEqual(d.attempt(.complete), .completionNeedsReason([.noPostCare]))
        try d.run(.completeWithReasons([.noPostCare: "patient declined"]))
        XCTAssertEqual(d.state.status, .completed)
        XCTAssertEqual(d.state.warnings.last, "No post-care applied; completed because: patient declined.")
    }

    func testWithEverythingRecordedNothingIsAsked() throws {
        var d = try bare()
        try d.run(.applyPRP(zone: nil, volumeML: 3, method: .after))
        try d.run(.applyPostCare(product: "Serum", lot: "S"))
        XCTAssertEqual(try d.run(.complete).map(\.kind), [.completed])
    }

    func testTheChecksAreProtocolSettings() throws {
        var proto = ClinicProtocol.standard
        proto.completionNeedsPRPApplied = false
        proto.completionNeedsPostCare = false
        var d = try bare(proto)
        XCTAssertEqual(try d.run(.complete).map(\.kind), [.completed])
    }

    func testStoppingTheSpinEarlyRecordsItWasShort() throws {
        var d = SessionDriver()
        _ = try d.screened()
        try d.run(.drawBlood(volumeML: 30, tubes: 3, lot: "T"))
        try d.run(.startCentrifuge(CentrifugeProgram(unit: .g, value: 1500, minutes: 8)))
        XCTAssertEqual(d.state.spinShortfall(now: d.clock.addingTimeInterval(60))?.ranSeconds, 60)
        let events = try d.run(.stopCentrifuge, after: 1)
        XCTAssertEqual(
            events.map(\.kind),
            [
                .centrifugeStopped,
                .warning(
                    code: "centrifuge.short",
                    message: "The centrifuge was stopped after 01:00 of its 08:00 program: the spin was short."),
            ])
    }

    func testAFullSpinOrTheSettingOffRecordsNoWarning() throws {
        for (minutes, setting) in [(8.0, true), (7.99, false)] {
            var proto = ClinicProtocol.standard
            proto.warnShortSpin = setting
            var d = SessionDriver(
                context: DecisionContext(protocolSettings: proto, actor: "Alex Rivera", timeZone: Fixture.utc))
            _ = try d.screened()
            try d.run(.drawBlood(volumeML: 30, tubes: 3, lot: "T"))
            try d.run(.startCentrifuge(CentrifugeProgram(unit: .g, value: 1500, minutes: 8)))
            XCTAssertEqual(try d.run(.stopCentrifuge, after: minutes).map(\.kind), [.centrifugeStopped])
        }
    }
}

final class TruthfulSummaryTests: XCTestCase {
    func testPassesAreCountedNotEntries() throws {
        var d = SessionDriver()
        let st = try d.treated().state  // 3 + 2 + 1 passes in three entries
        XCTAssertEqual(st.passes.count, 3)
        XCTAssertEqual(st.passTotal, 6)
        XCTAssertEqual(SessionSummary(state: st, journalBytes: 0)?.passes, 6)
    }

    func testHistorySaysMaintenancePastTheSeriesLikeTheSheet() throws {
        let t0 = Fixture.t0
        var sessions: [SessionSummary] = []
        for i in 0..<8 {
            var d = SessionDriver(id: "s\(i)")
            let st = try d.treated().state
            var s = try XCTUnwrap(SessionSummary(state: st, journalBytes: 0))
            s.startedAt = t0.addingTimeInterval(Double(i) * 30 * 86_400)
            s.status = .completed
            sessions.append(s)
        }
        let h = PatientHistory(
            sessions: sessions, protocolSettings: .standard, aftercare: .standard, timeZone: Fixture.utc)
        XCTAssertEqual(
            h.rows.map(\.seriesLabel), ["1/6", "2/6", "3/6", "4/6", "5/6", "6/6", "maintenance", "maintenance"])
    }

    func testTheSheetSaysHowLongToRest() throws {
        var d = SessionDriver()
        let st = try d.treated().state
        var config = ClinicConfig.standard
        config.aftercare.restHours = 36
        let text = RenderedSheet(
            sheet: AftercareSheet(state: st, history: [], config: config, timeZone: Fixture.utc), clinic: nil
        ).text
        XCTAssertTrue(text.contains("Rest for 36 hours."), text)
    }

    func testTheNewSettingsAreReadFromTheConfig() throws {
        let text = """
            [protocol]
            require_prp_applied = false
            require_post_care = false
            warn_short_spin = false

            [aftercare]
            rest_hours = 12
            """
        let config = try ConfigLoader.load(text: text, file: "config.toml")
        XCTAssertFalse(config.protocolSettings.completionNeedsPRPApplied)
        XCTAssertFalse(config.protocolSettings.completionNeedsPostCare)
        XCTAssertFalse(config.protocolSettings.warnShortSpin)
        XCTAssertEqual(config.aftercare.restHours, 12)
        XCTAssertThrowsError(try ConfigLoader.load(text: "[protocol]\nrequire_post_care = 1\n", file: "config.toml")) {
            error in
            XCTAssertTrue("\(error)".contains("must be true or false"), "\(error)")
        }
    }
}
