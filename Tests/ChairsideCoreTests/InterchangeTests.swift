import ChairsideCore
import Foundation
import TestSupport
import XCTest

/// The FHIR bundle, the published JSON, the Excel CSV and the typeset sheet's HTML, built purely.
final class InterchangeTests: XCTestCase {
    let config = ClinicConfig.standard

    /// Treated, with a pass at the nose voided, a voided adverse event, a note, an adverse event, an amendment.
    func sessionWithCorrections() throws -> SessionState {
        var d = SessionDriver()
        _ = try d.treated()
        let nose = try d.run(
            .logPass(
                Pass(zone: "nose", depth: 0.25, count: 1, pattern: .stamping, endpoint: .erythema),
                confirmAboveProtocol: false))
        try d.run(.void(seq: nose[0].seq, reason: "logged on the wrong zone"))
        let slip = try d.run(.adverseEvent("VOIDED-EVENT-TEXT"))
        try d.run(.void(seq: slip[0].seq, reason: "wrong patient"))
        try d.run(.note("Patient tolerated well"))
        try d.run(.adverseEvent("Brief vasovagal episode"))
        try d.run(.recordAftercare(.handedPrePrinted))
        try d.run(.complete)
        try d.run(.amend(text: "Serum lot was S-9B", refersTo: nil))
        return d.state
    }

    func bundle(_ states: [SessionState], patient: Patient = Fixture.patient()) -> JSONValue {
        FHIRBundle.make(
            states.map { FHIRSessionInput(state: $0, patient: patient, history: []) }, config: config,
            generatedAt: Fixture.t0, timeZone: Fixture.utc)
    }

    func resources(_ bundle: JSONValue, _ type: String) -> [JSONValue] {
        guard case .array(let entries)? = bundle["entry"] else { return [] }
        return entries.compactMap { $0["resource"] }.filter { $0["resourceType"] == .string(type) }
    }

    func testBundleIsACollectionWithAPatientProcedureAndADepthObservationPerTreatedZone() throws {
        let b = bundle([try sessionWithCorrections()])
        XCTAssertEqual(b["resourceType"], .string("Bundle"))
        XCTAssertEqual(b["type"], .string("collection"))
        XCTAssertEqual(b["timestamp"], .string("2026-11-21T09:00:00.000Z"))
        XCTAssertEqual(resources(b, "Patient").count, 1)
        XCTAssertEqual(resources(b, "Procedure").count, 1)
        let observations = resources(b, "Observation")
        XCTAssertEqual(
            observations.map { $0["bodySite"]?["text"] }, [.string("Forehead"), .string("Cheeks")],
            "one per treated zone; the voided nose pass leaves none")
        let cheeks = try XCTUnwrap(observations.last?["valueQuantity"])
        XCTAssertEqual(
            cheeks,
            .object([
                "value": .number(1.5), "unit": .string("mm"),
                "system": .string("http://unitsofmeasure.org"), "code": .string("mm"),
            ]))
        let procedure = try XCTUnwrap(resources(b, "Procedure").first)
        XCTAssertEqual(procedure["status"], .string("completed"))
        XCTAssertEqual(
            observations.first?["partOf"],
            .array([
                .object([
                    "reference": .string(
                        "urn:uuid:" + (procedure["id"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "")
                    )
                ])
            ]))
        XCTAssertEqual(resources(b, "Medication").count, 2, "numbing agent and post-care serum, each with its lot")
        XCTAssertEqual(resources(b, "Device").first?["lotNumber"], .string("T-1"))
    }

    func testVoidedEventsLeaveNoTraceAndAmendmentsBecomeNotes() throws {
        let text = try bundle([try sessionWithCorrections()]).text()
        XCTAssertFalse(text.contains("VOIDED-EVENT-TEXT"))
        XCTAssertFalse(text.contains("wrong patient"))
        XCTAssertFalse(text.contains("logged on the wrong zone"))
        XCTAssertFalse(text.contains("\"Nose\""))
        XCTAssertTrue(text.contains("Amendment: Serum lot was S-9B"), text)
        XCTAssertTrue(text.contains("Patient tolerated well"))
        XCTAssertTrue(text.contains("\"complication\""))
        XCTAssertTrue(text.contains("Brief vasovagal episode"))
        XCTAssertTrue(text.contains("\"followUp\""))
    }

    func testFollowUpReadsAsAClinicianWritesIt() throws {
        var d = SessionDriver()
        _ = try d.treated()
        try d.run(.recordAftercare(.handedPrePrinted))
        try d.run(.complete)
        let procedure = try XCTUnwrap(resources(bundle([d.state]), "Procedure").first)
        XCTAssertEqual(
            procedure["followUp"],
            .array([
                .object([
                    "text": .string(
                        "Next treatment in 4–6 weeks, between 19 Dec 2026 and 2 Jan 2027 (session 2 of a course of 4–6)."
                    )
                ])
            ]))
        let fifth = (1...5).map {
            SessionRef(sessionID: "s-\($0)", startedAt: Fixture.t0 - Double(35 * 86_400 * $0), status: .completed)
        }
        let last = FHIRBundle.make(
            [FHIRSessionInput(state: d.state, patient: Fixture.patient(), history: fifth)], config: config,
            generatedAt: Fixture.t0, timeZone: Fixture.utc)
        XCTAssertEqual(
            resources(last, "Procedure").first?["followUp"],
            .array([
                .object([
                    "text": .string(
                        "Course of 6 sessions complete. Maintenance treatment in 4–5 months, "
                            + "between 21 Mar 2027 and 20 Apr 2027.")
                ])
            ]))
    }

    func testAnAbortedSessionIsAStoppedProcedureWithItsReason() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        try d.run(.abort(reason: "Patient felt faint"))
        let procedure = try XCTUnwrap(resources(bundle([d.state]), "Procedure").first)
        XCTAssertEqual(procedure["status"], .string("stopped"))
        XCTAssertEqual(procedure["statusReason"], .object(["text": .string("Patient felt faint")]))
        XCTAssertNil(procedure["followUp"])
    }

    func testEveryReferenceResolvesInsideTheBundleAndEntriesAreNamedOnce() throws {
        var other = SessionDriver(id: "20261121-110000-0002")
        _ = try other.treated()
        let b = bundle([try sessionWithCorrections(), other.state])
        guard case .array(let entries)? = b["entry"] else { return XCTFail("no entries") }
        let urls = entries.compactMap { e -> String? in if case .string(let s)? = e["fullUrl"] { s } else { nil } }
        XCTAssertEqual(Set(urls).count, urls.count)
        XCTAssertEqual(resources(b, "Patient").count, 1, "the same patient twice is one Patient")
        var references: [String] = []
        func walk(_ v: JSONValue) {
            switch v {
            case .object(let o):
                for (k, value) in o {
                    if k == "reference", case .string(let s) = value { references.append(s) } else { walk(value) }
                }
            case .array(let a): a.forEach(walk)
            default: break
            }
        }
        walk(b)
        XCTAssertGreaterThan(references.count, 10)
        for r in references { XCTAssertTrue(urls.contains(r), "\(r) does not resolve") }
    }

    func testStableUUIDsAreWellFormedAndRepeatable() {
        let a = StableUUID.make("Patient", "p-1")
        XCTAssertEqual(a, StableUUID.make("Patient", "p-1"))
        XCTAssertNotEqual(a, StableUUID.make("Patient", "p-2"))
        XCTAssertNotEqual(a, StableUUID.make("Procedure", "p-1"))
        XCTAssertNotNil(
            a.range(
                of: "^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                options: .regularExpression), a)
    }

    func testFHIRStringsShowControlCharactersInsteadOfCarryingThem() throws {
        var d = SessionDriver()
        try d.run(
            .start(
                patient: Fixture.patient("Eve\u{1B}[2J\u{202E}drow"), technician: "Alex Rivera", room: "Room 1",
                plannedZones: ["forehead"]), after: 0)
        let text = try bundle([d.state], patient: Fixture.patient("Eve\u{1B}[2J\u{202E}drow")).text()
        XCTAssertTrue(text.contains("Eve^[[2J<U+202E>drow"), text)
        XCTAssertFalse(text.contains("\u{202E}"))
    }

    func testShowJSONCarriesTheSummaryAndReadableEventsWithVoidsMarked() throws {
        let state = try sessionWithCorrections()
        let doc = RecordJSON.record(
            state, chartNumber: "C-1001", proto: Fixture.proto, timeZone: Fixture.utc, now: Fixture.t0)
        XCTAssertEqual(doc["schema_version"], .integer(1))
        XCTAssertEqual(doc["kind"], .string("session"))
        let session = try XCTUnwrap(doc["session"])
        XCTAssertEqual(session["patient_name"], .string("José Müller"))
        XCTAssertEqual(session["chart_number"], .string("C-1001"))
        XCTAssertEqual(session["status"], .string("completed"))
        XCTAssertEqual(session["passes"], .integer(6), "passes (3 + 2 + 1), not entries")
        XCTAssertEqual(session["max_depth_mm"], .number(1.5))
        guard case .array(let events)? = doc["events"] else { return XCTFail("no events") }
        XCTAssertEqual(events.count, state.events.count)
        let voidedPass = try XCTUnwrap(
            events.first { $0["type"] == .string("pass_logged") && $0["voided"] == .bool(true) })
        XCTAssertEqual(voidedPass["void_reason"], .string("logged on the wrong zone"))
        XCTAssertEqual(voidedPass["details"]?["zone"], .string("nose"))
        XCTAssertEqual(voidedPass["details"]?["depth_mm"], .number(0.25))
        let text = try doc.text()
        for leaked in ["\"kind\" : {", "journalBytes", "lastSeq", "passLogged", "patientName"] {
            XCTAssertFalse(text.contains(leaked), "internal encoding \(leaked) leaked")
        }
    }

    func testJSONTextEscapesBidiAndC1ControlsButKeepsTheValue() throws {
        let value = JSONValue.object(["name": .string("a\u{202E}b\u{9B}c\u{1B}d")])
        let text = try value.text()
        XCTAssertTrue(text.contains(#""a\u202eb\u009bc\u001bd""#), text)
        let back = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        XCTAssertEqual(back?["name"], "a\u{202E}b\u{9B}c\u{1B}d")
    }

    func testExcelCSVStartsWithAByteOrderMarkAndEndsLinesWithCRLF() {
        let csv = CSV.excel(CSV.line(["patient_name"]) + CSV.line(["José Müller"]))
        XCTAssertEqual(Array(csv.utf8.prefix(3)), [0xEF, 0xBB, 0xBF])
        XCTAssertTrue(csv.hasSuffix("José Müller\r\n"))
        XCTAssertEqual(csv.components(separatedBy: "\r\n").count, 3)
    }

    func testARangeWithoutSessionsIsABundleWithoutEntries() {
        let bundle = FHIRBundle.make([], config: .standard, generatedAt: Fixture.t0, timeZone: Fixture.utc)
        guard case .object(let fields) = bundle else { return XCTFail("not an object") }
        XCTAssertNil(fields["entry"], "FHIR JSON allows no empty array")
        XCTAssertEqual(fields["type"], .string("collection"))
    }
}
