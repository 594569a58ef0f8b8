import ChairsideCore
import Foundation
import TestSupport
import XCTest

final class FormatTests: XCTestCase {
    func testTimestampsRoundTripAsUTCWithMilliseconds() throws {
        let date = Date(timeIntervalSince1970: 1_795_251_600.125)
        XCTAssertEqual(Timestamp.format(date), "2026-11-21T09:00:00.125Z")
        XCTAssertEqual(Timestamp.parse("2026-11-21T09:00:00.125Z"), date)
        XCTAssertNil(Timestamp.parse("2026-11-21T09:00:00.125+01:00"))
        let event = SessionEvent(seq: 1, at: date, by: "A", kind: .note(text: "x"))
        let data = try JSONCoding.encoder().encode(event)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"at\":\"2026-11-21T09:00:00.125Z\""))
        XCTAssertEqual(try JSONCoding.decoder().decode(SessionEvent.self, from: data), event)
    }

    func testEveryEventKindRoundTrips() throws {
        let kinds: [EventKind] = [
            .started(patientID: "p", patientName: "李小龙", technician: "A", room: "R", plannedZones: ["nose"]),
            .screeningRecorded(answers: [
                ScreeningAnswer(item: "neurotoxin", present: true, lastDate: ClinicDay(string: "2026-11-01"))
            ]),
            .passLogged(
                pass: Pass(zone: "nose", depth: 0.25, count: 2, pattern: .stamping, endpoint: .pinpointBleeding),
                aboveProtocolConfirmed: false),
            .prpApplied(zone: nil, volumeML: 1.5, method: .duringPasses),
            .aftercareGiven(delivery: .declined(reason: "no")),
            .aftercareGiven(delivery: .printed(printer: "front", jobID: "front-12")),
            .aftercareReissued(delivery: .saved(file: "/tmp/a.txt")),
            .centrifugeStarted(program: CentrifugeProgram(unit: .rpm, value: 3000, minutes: 8)),
            .voided(seq: 3, reason: "r"), .completed, .paused, .amended(text: "t", refersTo: nil),
        ]
        for kind in kinds {
            let e = SessionEvent(seq: 7, at: Fixture.t0, by: "A", kind: kind)
            XCTAssertEqual(try JSONCoding.decoder().decode(SessionEvent.self, from: JSONCoding.encoder().encode(e)), e)
        }
    }

    func testControlCharactersAndBidiOverridesAreMadeVisible() {
        XCTAssertEqual(Visible.text("Eve\u{1B}[31mRed"), "Eve^[[31mRed")
        XCTAssertEqual(Visible.text("a\u{202E}b\u{0085}c\u{7F}"), "a<U+202E>b<U+0085>c^?")
        XCTAssertEqual(Visible.text("Zoë Ó Briain 李小龙"), "Zoë Ó Briain 李小龙")
        XCTAssertEqual(Visible.text("\u{1B}]0;pwned\u{07}"), "^[]0;pwned^G")
    }

    func testClinicDayParsesOnlyRealDates() {
        XCTAssertEqual(ClinicDay(string: "2026-11-21")?.description, "2026-11-21")
        XCTAssertNil(ClinicDay(string: "2026-02-30"))
        XCTAssertNil(ClinicDay(string: "../../etc"))
        XCTAssertNil(ClinicDay(string: "2026-1-1"))
        XCTAssertEqual(ClinicDay(string: "2026-12-31")?.adding(days: 1).description, "2027-01-01")
    }

    func testPatientSearchFindsByWordPrefixIgnoringAccents() {
        let dir = PatientDirectory([
            Fixture.patient("José Müller", id: "1", chart: "C-1001"),
            Fixture.patient("Zoë Ó Briain", id: "2", chart: "C-1002"),
            Fixture.patient("李小龙", id: "3", chart: "C-2001"),
        ])
        XCTAssertEqual(dir.search("jo mu").map(\.id), ["1"])
        XCTAssertEqual(dir.search("zoe o").map(\.id), ["2"])
        XCTAssertEqual(dir.search("李").map(\.id), ["3"])
        XCTAssertEqual(dir.search("c-2001").map(\.id), ["3"])
        XCTAssertEqual(dir.search("xyz"), [])
        XCTAssertThrowsError(try dir.validate(Fixture.patient("New", id: "9", chart: "C-1001")))
    }

    func testEveryMillisecondTimestampSurvivesARoundTripExactly() {
        var rng = SystemRandomNumberGenerator()
        let base = 1_795_251_600_000 as Int64  // 2026-11-21, milliseconds
        for _ in 0..<20_000 {
            let ms = base + Int64.random(in: 0..<(400 * 86_400_000), using: &rng)
            let text = Timestamp.format(Date(timeIntervalSince1970: Double(ms) / 1000))
            guard let parsed = Timestamp.parse(text) else { return XCTFail("did not parse \(text)") }
            XCTAssertEqual(Timestamp.format(parsed), text)
            XCTAssertEqual(Timestamp.format(Timestamp.truncated(parsed)), text)
        }
    }
}
