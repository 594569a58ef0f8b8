import ChairsideCore
import TestSupport
import XCTest

final class AftercareSheetTests: XCTestCase {
    private func treatedSession() throws -> SessionState {
        var driver = SessionDriver()
        return try driver.treated().state
    }

    private func render(
        _ state: SessionState, history: [SessionRef] = [], config: ClinicConfig = .standard,
        template: Result<AftercareTemplate, TemplateError>? = nil
    ) -> RenderedSheet {
        let sheet = AftercareSheet(state: state, history: history, config: config, timeZone: Fixture.utc)
        return RenderedSheet(sheet: sheet, clinic: template)
    }

    private func day(_ offset: Int) -> Date { Fixture.t0.addingTimeInterval(TimeInterval(offset) * 86_400) }

    func testDefaultSheetNamesPatientZonesDepthsDowntimeAndNextVisit() throws {
        var config = ClinicConfig.standard
        config.clinicName = "Harbour Skin"
        config.clinicPhone = "020 7946 0001"
        let text = render(try treatedSession(), config: config).text
        XCTAssertTrue(text.hasPrefix("Harbour Skin\nPhone: 020 7946 0001\n"), text)
        XCTAssertTrue(text.contains("Patient:  José Müller"))
        XCTAssertTrue(text.contains("Treated:  Saturday 21 November 2026 at 09:00, by Alex Rivera"), text)
        XCTAssertTrue(text.contains("  - Forehead: 0.50 mm\n  - Cheeks: 1.00–1.50 mm\n"), text)
        // Deepest 1.5 mm falls in the 0.5–1.5 mm band.
        XCTAssertTrue(text.contains("Expected recovery: about 4–5 days."), text)
        XCTAssertTrue(text.contains("No make-up for at least 12 hours."))
        XCTAssertTrue(text.contains("Avoid direct sun for 10 days"))
        XCTAssertTrue(text.contains("Phone Harbour Skin on 020 7946 0001."))
        // 28 and 42 days after 2026-11-21.
        XCTAssertTrue(
            text.contains("Book your next session between Saturday 19 December 2026 and Saturday 2\nJanuary 2027."),
            text)
        XCTAssertTrue(text.contains("Series:   session 1 of a 4–6 series"))
        XCTAssertNil(render(try treatedSession()).warning)
    }

    func testEveryLineFitsTheSheetWidth() throws {
        var driver = SessionDriver()
        _ = try driver.treated()
        let long = String(repeating: "Bartholomew-Fitzwilliam ", count: 8)
        var state = SessionState(id: driver.state.id)
        for e in driver.state.events {
            var e = e
            if case .started(let pid, _, let tech, let room, let zones) = e.kind {
                e.kind = .started(patientID: pid, patientName: long, technician: tech, room: room, plannedZones: zones)
            }
            state = state.evolve(e)
        }
        let text = render(state).text
        for line in text.split(separator: "\n") {
            XCTAssertLessThanOrEqual(line.count, AftercareLayout.columns, String(line))
        }
        XCTAssertTrue(text.contains("Bartholomew-Fitzwilliam Bartholomew-Fitzwilliam"))
    }

    func testDowntimeFollowsTheDeepestDepthBand() throws {
        let settings = AftercareSettings.standard
        XCTAssertEqual(settings.downtime(forDepth: 0.25)?.maxDays, 3)
        XCTAssertEqual(settings.downtime(forDepth: 0.5)?.maxDays, 3)
        XCTAssertEqual(settings.downtime(forDepth: 0.75)?.maxDays, 5)
        XCTAssertEqual(settings.downtime(forDepth: 2.0)?.minDays, 6)
        XCTAssertEqual(settings.downtime(forDepth: 4.0)?.minDays, 6, "deeper than every band uses the deepest band")
    }

    func testSeriesCountsCompletedSessionsInARowAndRestartsAfterALongGap() throws {
        let state = try treatedSession()
        let settings = AftercareSettings.standard
        let history = [
            SessionRef(sessionID: "a", startedAt: day(-400), status: .completed),
            SessionRef(sessionID: "b", startedAt: day(-90), status: .completed),
            SessionRef(sessionID: "c", startedAt: day(-60), status: .aborted),
            SessionRef(sessionID: "d", startedAt: day(-30), status: .completed),
            SessionRef(sessionID: state.id, startedAt: Fixture.t0, status: .inProgress),
            SessionRef(sessionID: "later", startedAt: day(30), status: .completed),
        ]
        let position = SeriesPosition(sessionID: state.id, startedAt: Fixture.t0, history: history, settings: settings)
        XCTAssertEqual(position.number, 3, "b and d count; the aborted one and the one 310 days before b do not")
        XCTAssertEqual(position.label, "session 3 of a 4–6 series")
        let text = render(state, history: history).text
        XCTAssertTrue(text.contains("Series:   session 3 of a 4–6 series"), text)
    }

    func testTheLastSessionOfASeriesPointsToMaintenance() throws {
        let state = try treatedSession()
        let history = (1...5).map { SessionRef(sessionID: "s\($0)", startedAt: day(-30 * $0), status: .completed) }
        let text = render(state, history: history).text
        XCTAssertTrue(text.contains("session 6 of a 4–6 series"), text)
        // Maintenance window 120–150 days: 2027-03-21 and 2027-04-20.
        XCTAssertTrue(text.contains("Your series is complete."), text)
        XCTAssertTrue(
            text.replacingOccurrences(of: "\n", with: " ").contains("Sunday 21 March 2027 and Tuesday 20 April 2027"),
            text)
        let more = history + [SessionRef(sessionID: "s6", startedAt: day(-5), status: .completed)]
        XCTAssertTrue(render(state, history: more).text.contains("maintenance session (7 in a row)"))
    }

    func testNoPassesGivesASheetWithoutZonesOrDowntime() throws {
        var driver = SessionDriver()
        let state = try driver.readyToNeedle().state
        let text = render(state).text
        XCTAssertTrue(text.contains("No needling passes were recorded"), text)
        XCTAssertFalse(text.contains("Areas treated"))
        XCTAssertFalse(text.contains("Expected recovery"))
        XCTAssertTrue(text.contains("Patient:  José Müller"))
    }

    func testControlCharactersAndBidiOverridesInANameAreNeutralised() throws {
        var driver = SessionDriver()
        _ = try driver.treated()
        let hostile = "Eve\u{1B}]0;owned\u{07}\u{1B}[2J\u{202E}gnp.exe & <b>"
        var state = SessionState(id: driver.state.id)
        for var e in driver.state.events {
            if case .started(let pid, _, let tech, let room, let zones) = e.kind {
                e.kind = .started(
                    patientID: pid, patientName: hostile, technician: tech, room: room, plannedZones: zones)
            }
            state = state.evolve(e)
        }
        let text = render(state).text
        XCTAssertFalse(text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
        XCTAssertTrue(text.contains("Patient:  Eve^[]0;owned^G^[[2J<U+202E>gnp.exe & <b>"), text)
    }

    func testRightToLeftAndCJKNamesSurviveAndWrapByDisplayWidth() throws {
        for name in ["مريم الحسيني", "שרה כהן", "山田 花子", "김민지"] {
            var driver = SessionDriver()
            _ = try driver.treated()
            var state = SessionState(id: driver.state.id)
            for var e in driver.state.events {
                if case .started(let pid, _, let tech, let room, let zones) = e.kind {
                    e.kind = .started(
                        patientID: pid, patientName: name, technician: tech, room: room, plannedZones: zones)
                }
                state = state.evolve(e)
            }
            XCTAssertTrue(render(state).text.contains("Patient:  \(name)"), name)
        }
        // A wide-character measure wraps sooner than a character count would.
        let wide = String(repeating: "山田花子 ", count: 12)
        let wrapped = TextWrap.wrap(wide, width: 20) {
            $0.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x3000 ? 2 : 1) }
        }
        for line in wrapped.split(separator: "\n") {
            XCTAssertLessThanOrEqual(
                line.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x3000 ? 2 : 1) }, 20, String(line))
        }
    }

    func testAClinicTemplateRendersPlainTextWithItsOwnWords() throws {
        let template = try AftercareTemplate(
            text: "{{clinic_name}} for {{patient_name}}\n{{#zones}}{{name}}={{depth_range}};{{/zones}}\n",
            file: "/etc/x.mustache")
        var config = ClinicConfig.standard
        config.clinicName = "Smith & Daughters <Skin>"
        let out = render(try treatedSession(), config: config, template: .success(template))
        XCTAssertEqual(out.text, "Smith & Daughters <Skin> for José Müller\nForehead=0.50 mm;Cheeks=1.00–1.50 mm;\n")
        XCTAssertNil(out.warning)
    }

    func testAnUnknownFieldNamesFileLineAndFieldAndFallsBackToTheBuiltInSheet() throws {
        let text = "Hello {{patient_name}}\n\nYour zones:\n{{#zones}}{{name}} {{depth}}{{/zones}}\n"
        XCTAssertThrowsError(try AftercareTemplate(text: text, file: "/cfg/aftercare.mustache")) { error in
            let e = error as? TemplateError
            XCTAssertEqual(e?.line, 4)
            XCTAssertEqual(e?.field, "depth")
            XCTAssertEqual(
                e?.description,
                "/cfg/aftercare.mustache:4: unknown field \"depth\": inside {{#zones}} use name or depth_range")
        }
        let error = TemplateError(file: "/cfg/aftercare.mustache", line: 4, field: "depth", message: "x")
        let out = render(try treatedSession(), template: .failure(error))
        XCTAssertTrue(out.text.contains("CARING FOR YOUR SKIN"), "falls back to the built-in sheet")
        XCTAssertTrue(out.warning?.hasPrefix("/cfg/aftercare.mustache:4: unknown field \"depth\"") == true)
    }

    func testBrokenTemplatesAreRefusedWithTheirLine() {
        let cases: [(String, Int, String)] = [
            ("line one\n{{#zones}}\n{{name}}\n", 3, "never closed"),
            ("a\nb\n{{#zones}}{{/has_zones}}", 3, "not open here"),
            ("{{patient_name}\n", 1, "never closed"),
            ("ok\n{{> header}}\n", 2, "partials"),
            ("ok\n\n{{{clinic_nmae}}}", 3, "unknown field"),
            ("{{=<% %>=}}\n<% patient_name %>\n<% nope %>\n", 3, "unknown field"),
        ]
        for (text, line, fragment) in cases {
            XCTAssertThrowsError(try AftercareTemplate(text: text, file: "t.mustache"), text) { error in
                let e = error as? TemplateError
                XCTAssertEqual(e?.line, line, text)
                XCTAssertTrue(e?.description.contains(fragment) == true, "\(text): \(String(describing: e))")
            }
        }
    }

    func testATemplateThatRendersBlankFallsBackWithAWarning() throws {
        let template = try AftercareTemplate(
            text: "{{#series_complete}}Done{{/series_complete}}\n  \n", file: "blank.mustache")
        let out = render(try treatedSession(), template: .success(template))
        XCTAssertTrue(out.text.contains("CARING FOR YOUR SKIN"))
        XCTAssertEqual(
            out.warning, "blank.mustache: the template gave an empty sheet; printed the built-in sheet instead")
    }

    func testWrappingKeepsAHangingIndentUnderBullets() {
        let line = "  - " + Array(repeating: "word", count: 20).joined(separator: " ")
        let wrapped = TextWrap.wrap(line, width: 30).split(separator: "\n")
        XCTAssertTrue(wrapped.count > 1)
        XCTAssertTrue(wrapped[0].hasPrefix("  - word"))
        for continuation in wrapped.dropFirst() {
            XCTAssertTrue(continuation.hasPrefix("    word"), String(continuation))
        }
        XCTAssertEqual(TextWrap.wrap(String(repeating: "x", count: 25), width: 10), "xxxxxxxxxx\nxxxxxxxxxx\nxxxxx")
    }

    func testReprintNeedsAftercareAndWorksAfterCompletion() throws {
        var driver = SessionDriver()
        _ = try driver.treated()
        XCTAssertEqual(
            driver.attempt(.reissueAftercare(.printed(printer: "front", jobID: "front-1"))), .aftercareNotGivenYet)
        try driver.run(.recordAftercare(.printed(printer: "front", jobID: "front-1")))
        try driver.run(.complete)
        let events = try driver.run(.reissueAftercare(.saved(file: "/tmp/sheet.txt")))
        XCTAssertEqual(events.map(\.kind), [.aftercareReissued(delivery: .saved(file: "/tmp/sheet.txt"))])
        XCTAssertEqual(
            driver.state.aftercare, .printed(printer: "front", jobID: "front-1"), "a copy does not replace the record")
        XCTAssertEqual(driver.state.status, .completed)
        XCTAssertNotNil(driver.attempt(.reissueAftercare(.declined(reason: "x"))))
    }
}
