import ChairsideCore
import ChairsideStore
import Foundation
import TestSupport
import XCTest

/// What other systems read, checked by real readers on the real binary's output: the FHIR bundle by
/// the fhir.resources library, the JSON by jsonschema against docs/schema, the Excel CSV by
/// LibreOffice, the typeset sheet by poppler (pdftotext, pdftoppm). .ci/run installs them all;
/// elsewhere a missing one skips its test with the install hint, in CI it fails.
final class InterchangeEndToEndTests: EndToEndCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    var scripts: String { Self.repository + "/Tests/Scripts" }
    var schema: String { Self.repository + "/docs/schema/chairside.schema.json" }
    /// Kept after the run for a person to look at (CI keeps .build).
    var artifacts: String { Self.repository + "/.build/test-artifacts" }

    override func createConfigFolder() throws {
        try FileManager.default.createDirectory(atPath: dir + "/config/chairside", withIntermediateDirectories: true)
    }

    func require(_ probe: [String], _ hint: String) throws {
        guard Tmux.run(probe).status != 0 else { return }
        let why = "\(probe.joined(separator: " ")) failed: \(hint)"
        if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail(why) }
        throw XCTSkip(why)
    }

    func requireFHIRLibrary() throws {
        try require(["python3", "-c", "import fhir.resources.R4B"], "pip install fhir.resources (see README)")
    }

    func requireJSONSchema() throws {
        try require(["python3", "-c", "import jsonschema"], "pip install jsonschema (see README)")
    }

    func requirePoppler() throws {
        try require(["pdftotext", "-v"], "apt-get install poppler-utils (see README)")
    }

    func requireWeasyPrint() throws {
        try require(
            ["weasyprint", "--version"], "apt-get install weasyprint fonts-noto-core fonts-noto-cjk (see README)")
    }

    func write(_ text: String, _ name: String) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// A completed session for a new patient, written through the store as the console would.
    func completedSession(name: String, chart: String) throws -> String {
        let utc = TimeZone(identifier: "UTC")!
        let store = try Store(root: self.store, timeZone: utc, today: ClinicDay(Date(), timeZone: utc))
        let patient = try store.savePatient(
            Patient(
                id: "", name: name, dateOfBirth: ClinicDay(string: "1985-03-14"),
                chartNumber: chart, fitzpatrick: 3))
        var d = SessionDriver(id: Store.newSessionID(startedAt: Date(), timeZone: utc))
        d.clock = Date().addingTimeInterval(-3600)
        let start = try d.run(
            .start(
                patient: patient, technician: "Alex Rivera", room: "Room 1",
                plannedZones: ["forehead", "cheeks"]), after: 0)
        let writer = try store.beginSession(id: d.state.id, events: start)
        let before = d.state.events.count
        _ = try d.preparedForNeedling()
        try d.run(
            .logPass(
                Pass(zone: "forehead", depth: 0.5, count: 2, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false))
        try d.run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.25, count: 1, pattern: .vertical, endpoint: .erythema),
                confirmAboveProtocol: false))
        try d.run(.applyPRP(zone: nil, volumeML: 3, method: .after))
        try d.run(.applyPostCare(product: "Soothing serum", lot: "S-9"))
        try d.run(.recordAftercare(.handedPrePrinted))
        try d.run(.complete)
        for e in d.state.events[before...] { try store.append([e], to: writer) }
        writer.close()
        return d.state.id
    }

    // MARK: FHIR

    /// Runs the fhir.resources validator; returns its summary.
    func validateFHIR(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let r = Tmux.run(["python3", scripts + "/validate_fhir.py", path])
        XCTAssertEqual(r.status, 0, "fhir.resources rejected the bundle: \(r.err)", file: file, line: line)
        return try json(r.out)
    }

    func testADemoClinicExportsAFHIRBundleThatAFHIRLibraryValidates() throws {
        try requireFHIRLibrary()
        XCTAssertEqual(cli("demo").status, 0)
        // Two of the demo's lots are registered (a month-only expiry is that month's last day); HS-0925 is not.
        for lot in [["NB-2611", "anaesthetic", "2027-03"], ["ACD-4471", "blood-tubes", "2027-06-30"]] {
            let added = cli("lots", "add", lot[0], "--kind", lot[1], "--product", "P", "--expires", lot[2])
            XCTAssertEqual(added.status, 0, added.err)
        }
        let today = ClinicDay(Date(), timeZone: TimeZone(identifier: "UTC")!)
        let output = dir + "/bundle.json"
        let r = cli(
            "export", "--format", "fhir", "--from", today.adding(days: -400).description, "--to", today.description,
            "--output", output)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.hasPrefix("Exported 9 sessions to \(output)"), r.out)
        var st = stat()
        XCTAssertEqual(stat(output, &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600, "written through the store's durable layer")
        let summary = try validateFHIR(output)
        let counts = try XCTUnwrap(summary["resources"] as? [String: Int])
        XCTAssertEqual(counts["Patient"], 5)
        XCTAssertEqual(counts["Procedure"], 9)
        XCTAssertGreaterThanOrEqual(counts["Observation"] ?? 0, 9, "a depth per treated zone")
        XCTAssertGreaterThan(counts["Medication"] ?? 0, 0)
        XCTAssertGreaterThan(counts["Device"] ?? 0, 0)
        XCTAssertGreaterThan(summary["references"] as? Int ?? 0, 50)
        XCTAssertTrue((summary["patients"] as? [String] ?? []).contains("李小龙"))
        let resources = try XCTUnwrap(
            try json(String(contentsOfFile: output, encoding: .utf8))["entry"] as? [[String: Any]]
        ).compactMap { $0["resource"] as? [String: Any] }
        func batch(_ lot: String) -> [String: Any]? {
            resources.compactMap { $0["batch"] as? [String: Any] }.first { $0["lotNumber"] as? String == lot }
        }
        XCTAssertEqual(batch("NB-2611")?["expirationDate"] as? String, "2027-03-31")
        XCTAssertNotNil(batch("HS-0925"))
        XCTAssertNil(batch("HS-0925")?["expirationDate"], "an unregistered lot has no expiry to give")
        let tube = resources.first {
            $0["resourceType"] as? String == "Device" && $0["lotNumber"] as? String == "ACD-4471"
        }
        XCTAssertEqual(tube?["expirationDate"] as? String, "2027-06-30")

        let stdout = cli("export", "--format", "fhir", "--from", today.description, "--to", today.description)
        XCTAssertEqual(stdout.status, 0, stdout.err)
        XCTAssertEqual(try json(stdout.out)["resourceType"] as? String, "Bundle")
    }

    /// A session from paper records: its zones are the Procedure's bodySite, a depth the chart gave is an
    /// Observation; an aftercare sheet is refused in plain words (it is history), nothing is written.
    func testAPaperSessionExportsItsZonesAndDepthsAndRefusesAnAftercareSheetAsHistory() throws {
        try requireFHIRLibrary()
        let day = ClinicDay(Date(), timeZone: TimeZone(identifier: "UTC")!).adding(days: -40).description
        let paper = try write(
            "chart_number,name,date_of_birth,date,time,zones,depths\nC-1,Ana Lima,1980-01-02,\(day),10:00,cheeks;chin,1.0;\n",
            "paper.csv")
        let imported = cli("import-history", paper)
        XCTAssertEqual(imported.status, 0, imported.out + imported.err)
        let output = dir + "/paper.json"
        let r = cli("export", "--format", "fhir", "--from", day, "--to", day, "--output", output)
        XCTAssertEqual(r.status, 0, r.err)
        _ = try validateFHIR(output)
        let resources = try XCTUnwrap(
            try json(String(contentsOfFile: output, encoding: .utf8))["entry"] as? [[String: Any]]
        ).compactMap { $0["resource"] as? [String: Any] }
        func codes(_ concepts: Any?) -> [String] {
            ((concepts as? [[String: Any]]) ?? (concepts as? [String: Any]).map { [$0] } ?? []).flatMap {
                (($0["coding"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }
            }
        }
        let procedure = try XCTUnwrap(resources.first { $0["resourceType"] as? String == "Procedure" })
        XCTAssertEqual(codes(procedure["bodySite"]), ["cheeks", "chin"], "every zone on the paper chart")
        let observations = resources.filter { $0["resourceType"] as? String == "Observation" }
        XCTAssertEqual(observations.count, 1, "a depth only where the chart gave one")
        XCTAssertEqual(codes(observations.first?["bodySite"]), ["cheeks"])
        XCTAssertEqual((observations.first?["valueQuantity"] as? [String: Any])?["value"] as? Double, 1.0)

        let id = try XCTUnwrap((procedure["identifier"] as? [[String: Any]])?.first?["value"] as? String)
        let sheet = dir + "/sheet.pdf"
        for args in [["aftercare", id], ["aftercare", id, "--output", sheet]] {
            let refused = cli(args)
            XCTAssertEqual(refused.status, 1, "\(args): \(refused.out)")
            XCTAssertTrue(refused.err.contains("imported from paper records: it is history"), refused.err)
            XCTAssertFalse(refused.err.contains("closed"), refused.err)
            XCTAssertFalse(refused.err.contains("no passes"), refused.err)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: sheet))
    }

    func testAHostileNameExportsAValidBundleWithTheNameShownNotObeyed() throws {
        try requireFHIRLibrary()
        unlink("/tmp/chairside-pwned")
        let id = try hostileSession()
        let output = dir + "/hostile.json"
        let r = cli("export", "--format", "fhir", "--from", dayOf(id), "--to", dayOf(id), "--output", output)
        XCTAssertEqual(r.status, 0, r.err)
        let summary = try validateFHIR(output)
        let name = try XCTUnwrap((summary["patients"] as? [String])?.first)
        XCTAssertTrue(name.hasPrefix("Eve^[]0;PWNED^G^[[2J^[[31m<U+202E>drow $(touch /tmp/chairside-pwned)"), name)
        XCTAssertTrue(name.hasSuffix("=cmd|' /C calc'!A0"), name)
        let bytes = try String(contentsOfFile: output, encoding: .utf8)
        for raw in ["\u{1B}", "\u{07}", "\u{202E}"] { XCTAssertFalse(bytes.contains(raw)) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/chairside-pwned"))
    }

    /// The validator is not a rubber stamp: a dangling reference and a status FHIR does not know both fail it.
    func testTheFHIRValidatorRejectsABrokenBundle() throws {
        try requireFHIRLibrary()
        let id = try completedSession(name: "José Müller", chart: "C-1")
        let good = cli("export", "--format", "fhir", "--from", dayOf(id), "--to", dayOf(id)).out
        XCTAssertEqual(Tmux.run(["python3", scripts + "/validate_fhir.py", try write(good, "good.json")]).status, 0)
        let dangling = good.replacingOccurrences(
            of: "\"reference\" : \"urn:uuid:", with: "\"reference\" : \"urn:uuid:0")
        let r1 = Tmux.run(["python3", scripts + "/validate_fhir.py", try write(dangling, "dangling.json")])
        XCTAssertNotEqual(r1.status, 0)
        XCTAssertTrue(r1.err.contains("does not resolve"), r1.err)
        let date = good.replacingOccurrences(
            of: "\"birthDate\" : \"1985-03-14\"", with: "\"birthDate\" : \"1985-14-03\"")
        XCTAssertNotEqual(date, good)
        let r2 = Tmux.run(["python3", scripts + "/validate_fhir.py", try write(date, "date.json")])
        XCTAssertNotEqual(r2.status, 0)
        XCTAssertTrue(r2.err.contains("birthDate"), r2.err)
    }

    // MARK: JSON schema

    func validateJSON(_ text: String, kind: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try write(text, "doc-\(UUID().uuidString).json")
        let r = Tmux.run(["python3", scripts + "/validate_json.py", schema, path, kind])
        XCTAssertEqual(r.status, 0, "\(kind) does not follow the schema:\n\(r.err)", file: file, line: line)
    }

    func testEveryJSONOutputFollowsThePublishedSchema() throws {
        try requireJSONSchema()
        XCTAssertEqual(cli("demo").status, 0)
        _ = try hostileSession()
        let today = cli("today", "--json")
        XCTAssertEqual(today.status, 0, today.err)
        try validateJSON(today.out, kind: "day")
        let sessions = try XCTUnwrap(try json(today.out)["sessions"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(sessions.count, 5)
        var charts: Set<String> = []
        for s in sessions {
            let id = try XCTUnwrap(s["session_id"] as? String)
            let show = cli("show", id, "--json")
            XCTAssertEqual(show.status, 0, show.err)
            try validateJSON(show.out, kind: "session")
            charts.insert(try XCTUnwrap(s["chart_number"] as? String))
        }
        for chart in charts {
            let history = cli("history", chart, "--json")
            XCTAssertEqual(history.status, 0, history.err)
            try validateJSON(history.out, kind: "patient_history")
        }
        let empty = cli("today", "--date", "2001-01-01", "--json")
        try validateJSON(empty.out, kind: "day")
        // The lot register and a recall: one registered lot the demo used, one never registered.
        let added = cli(
            "lots", "add", "NB-2611", "--kind", "anaesthetic", "--product", "BLT cream", "--expires", "2030-01")
        XCTAssertEqual(added.status, 0, added.err)
        XCTAssertEqual(cli("lots", "withdraw", "NB-2611", "--reason", "maker's recall").status, 0)
        let lots = cli("lots", "list", "--json")
        XCTAssertEqual(lots.status, 0, lots.err)
        try validateJSON(lots.out, kind: "lots")
        XCTAssertEqual(try json(lots.out)["schema_version"] as? Int, 1)
        for lot in ["NB-2611", "HS-0925", "NEVER-USED"] {
            let recall = cli("recall", lot, "--json")
            XCTAssertEqual(recall.status, 0, recall.err)
            try validateJSON(recall.out, kind: "recall")
        }
        XCTAssertFalse(
            (try json(cli("recall", "NB-2611", "--json").out)["sessions"] as? [Any] ?? []).isEmpty,
            "the demo's sessions recorded the anaesthetic lot")
        let due = cli("due", "--json")
        XCTAssertEqual(due.status, 0, due.err)
        try validateJSON(due.out, kind: "due_list")
    }

    /// A session with an unreadable line: every JSON output and the FHIR bundle carry the gap and still validate.
    func testASessionWithAnUnreadableLineExportsItsGapInValidJSONAndFHIR() throws {
        try requireJSONSchema()
        try requireFHIRLibrary()
        let id = try completedSession(name: "José Müller", chart: "C-1")
        let day = try XCTUnwrap(SessionID.day(of: id))
        let path = "\(store)/days/\(day)/\(id).jsonl"
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        let second = try XCTUnwrap(data.firstIndex(of: 0x0A)) + 40
        data[second] ^= 0x04
        try data.write(to: URL(fileURLWithPath: path))
        let show = cli("show", id, "--json")
        try validateJSON(show.out, kind: "session")
        let record = try json(show.out)
        XCTAssertEqual((record["unreadable"] as? [[String: Any]])?.first?["first_seq"] as? Int, 2)
        let today = cli("today", "--date", day.description, "--json")
        try validateJSON(today.out, kind: "day")
        XCTAssertEqual((try json(today.out)["sessions"] as? [[String: Any]])?.first?["unreadable_lines"] as? Int, 1)
        let history = cli("history", "C-1", "--json")
        try validateJSON(history.out, kind: "patient_history")
        XCTAssertTrue(history.out.contains("\"unreadable_lines\" : 1"), history.out)
        let output = dir + "/gap.json"
        let r = cli(
            "export", "--format", "fhir", "--from", day.description, "--to", day.description, "--output", output)
        XCTAssertEqual(r.status, 0, r.err)
        _ = try validateFHIR(output)
        let bundle = try String(contentsOfFile: output, encoding: .utf8)
        XCTAssertTrue(bundle.contains("Record incomplete: event #2 unreadable"), bundle)
    }

    /// Issue 14: a rotted last line and an edited line (recomputed check) in every export, valid against the schema.
    func testAnUnreadableEndAndAChainBreakAreInEveryExportAndFollowTheSchema() throws {
        try requireJSONSchema()
        try requireFHIRLibrary()
        let id = try completedSession(name: "José Müller", chart: "C-1")
        let day = try XCTUnwrap(SessionID.day(of: id))
        let path = "\(store)/days/\(day)/\(id).jsonl"
        var lines = try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A).map { Data($0) }
        // Line 3 edited with a fresh checksum: only the chain sees it.
        let edited = try XCTUnwrap(JournalLine.decode([UInt8](lines[2])[...]))
        let payload = Data(
            String(decoding: edited.payload, as: UTF8.self).replacingOccurrences(of: "\"by\":\"", with: "\"by\":\"X")
                .utf8)
        lines[2] = JournalLine.encode(seq: edited.seq, payload: payload, more: edited.more, prev: edited.prev)
            .dropLast()
        lines[lines.count - 1][lines[lines.count - 1].count / 2] ^= 0x04
        try Data(lines.map { $0 + [0x0A] }.joined()).write(to: URL(fileURLWithPath: path))

        let show = cli("show", id, "--json")
        try validateJSON(show.out, kind: "session")
        let session = try XCTUnwrap(try json(show.out)["session"] as? [String: Any])
        XCTAssertEqual(session["end_unreadable"] as? Bool, true)
        XCTAssertEqual(session["status"] as? String, "end-unreadable")
        XCTAssertEqual(session["chain_breaks"] as? [Int], [4])
        let today = cli("today", "--date", day.description, "--json")
        try validateJSON(today.out, kind: "day")
        let listed = try XCTUnwrap((try json(today.out)["sessions"] as? [[String: Any]])?.first)
        XCTAssertEqual(listed["end_status_per_index"] as? String, "completed")
        XCTAssertEqual(listed["chain_breaks"] as? [Int], [4])
        try validateJSON(cli("history", "C-1", "--json").out, kind: "patient_history")
        let text = cli("show", id).out
        XCTAssertTrue(text.contains("!! the hash chain breaks before event #4"), text)
        XCTAssertTrue(text.contains("!! last event unreadable — completed (per the day index"), text)
        XCTAssertFalse(text.contains("in progress"), text)
        let csv = cli("today", "--date", day.description, "--csv").out.split(whereSeparator: \.isNewline)
        XCTAssertEqual(csv.count, 2, "\(csv)")
        let header = csv[0].split(separator: ",", omittingEmptySubsequences: false)
        let row = csv[1].split(separator: ",", omittingEmptySubsequences: false)
        XCTAssertEqual(row[try XCTUnwrap(header.firstIndex(of: "end_unreadable"))], "yes")
        XCTAssertEqual(row[try XCTUnwrap(header.firstIndex(of: "chain_breaks"))], "4")
        XCTAssertEqual(row[try XCTUnwrap(header.firstIndex(of: "status"))], "end-unreadable")
        let output = dir + "/end.json"
        let r = cli(
            "export", "--format", "fhir", "--from", day.description, "--to", day.description, "--output", output)
        XCTAssertEqual(r.status, 0, r.err)
        _ = try validateFHIR(output)
        let bundle = try String(contentsOfFile: output, encoding: .utf8)
        XCTAssertTrue(bundle.contains("Record altered: the hash chain breaks before event #4"), bundle)
        XCTAssertTrue(bundle.contains("\"status\" : \"unknown\""), bundle)
    }

    func testTheSchemaRejectsAnUndocumentedField() throws {
        try requireJSONSchema()
        let id = try completedSession(name: "José Müller", chart: "C-1")
        let show = cli("show", id, "--json").out
        try validateJSON(show, kind: "session")
        let renamed = show.replacingOccurrences(of: "\"patient_name\"", with: "\"patientName\"")
        let r = Tmux.run(["python3", scripts + "/validate_json.py", schema, try write(renamed, "bad.json"), "session"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.err.contains("patientName"), r.err)
    }

    // MARK: Excel CSV

    /// LibreOffice converts the CSV to .xlsx with its default import (no filter options: it decides the character
    /// set and separator itself); openpyxl reads the names back from the workbook.
    func testExcelCSVOpensInLibreOfficeWithAccentedAndCJKNamesIntact() throws {
        let hint = "apt-get install -t bookworm-backports libreoffice-calc-nogui (see README)"
        try require(["soffice", "--version"], hint)
        try require(["python3", "-c", "import openpyxl"], "pip install openpyxl (see README)")
        XCTAssertEqual(cli("demo").status, 0)
        _ = try completedSession(name: "ليلى عبد الله", chart: "C-AR")
        let today = ClinicDay(Date(), timeZone: TimeZone(identifier: "UTC")!)
        let csv = dir + "/sessions.csv"
        let r = cli(
            "export", "--from", today.adding(days: -400).description, "--to", today.description, "--excel",
            "--output", csv)
        XCTAssertEqual(r.status, 0, r.err)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: csv))
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("\r\n"))
        let out = dir + "/converted"
        let profile = "file://" + dir + "/lo-profile"
        let convert = Tmux.run([
            "soffice", "-env:UserInstallation=" + profile, "--headless", "--convert-to", "xlsx", "--outdir", out, csv,
        ])
        XCTAssertEqual(convert.status, 0, convert.err)
        let script = """
            import sys, openpyxl
            rows = list(openpyxl.load_workbook(sys.argv[1]).active.iter_rows(values_only=True))
            print(rows[0][0])
            for row in rows[1:]: print(row[list(rows[0]).index('patient_name')])
            """
        let cells = Tmux.run(["python3", "-c", script, out + "/sessions.xlsx"])
        XCTAssertEqual(cells.status, 0, cells.err)
        let lines = cells.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "session_id", "the byte-order mark is not part of the first heading")
        let version = Tmux.run(["soffice", "--version"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        for name in ["José Müller", "李小龙", "Zoë Ó Briain", "ليلى عبد الله"] {
            XCTAssertTrue(
                lines.contains(name),
                "\(name) not read back intact by \(version): LibreOffice 7.4 reads a CSV as Windows-1252 "
                    + "without filter options; \(hint)\n\(cells.out)")
        }
    }

    // MARK: typeset sheet

    func pdfText(_ path: String) -> String { Tmux.run(["pdftotext", "-layout", path, "-"]).out }

    func testTheTypesetSheetCarriesLatinCJKAndRTLNamesOnA4AndLetter() throws {
        try requireWeasyPrint()
        try requirePoppler()
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let names = [
            ("latin", "Siobhán Nakamura-Müller"), ("cjk", "山田 花子"), ("hebrew", "נועה כהן"),
            ("arabic", "ليلى عبد الله"),
        ]
        for (index, (label, name)) in names.enumerated() {
            let id = try completedSession(name: name, chart: "C-\(index)")
            let paper = index % 2 == 0 ? "a4" : "letter"
            let config =
                "[clinic]\nname = \"Harbour Skin Clinic\"\nphone = \"020 7946 0001\"\n"
                + "[aftercare]\npaper = \"\(paper)\"\n"
            try config.write(toFile: dir + "/config/chairside/config.toml", atomically: true, encoding: .utf8)
            let pdf = dir + "/\(label).pdf"
            let saved = cli("aftercare", id, "--output", pdf)
            XCTAssertEqual(saved.status, 0, saved.err)
            XCTAssertTrue(try Data(contentsOf: URL(fileURLWithPath: pdf)).starts(with: Data("%PDF".utf8)))
            let text = pdfText(pdf)
            XCTAssertTrue(text.contains(name), "\(label): \(name) not in the PDF's text:\n\(text)")
            XCTAssertTrue(text.contains("Harbour Skin Clinic"))
            XCTAssertTrue(text.contains("020 7946 0001"))
            XCTAssertTrue(text.contains("Forehead") && text.contains("1.25 mm"), text)
            XCTAssertTrue(text.contains("YOUR NEXT VISIT"), text)
            let info = Tmux.run(["pdfinfo", pdf]).out
            XCTAssertTrue(info.contains(paper == "a4" ? "(A4)" : "(letter)"), info)
            let png = artifacts + "/aftercare-\(label)"
            XCTAssertEqual(
                Tmux.run(["pdftoppm", "-png", "-r", "100", "-singlefile", "-f", "1", "-l", "1", pdf, png]).status, 0)
            XCTAssertTrue(FileManager.default.fileExists(atPath: png + ".png"))
            let show = cli("show", id)
            XCTAssertTrue(show.out.contains("Aftercare copy: saved to \(pdf)"), show.out)
        }
    }

    /// A completed session with a pass on each of `zones` (at its default depth).
    func completedSession(zones: [String], chart: String) throws -> String {
        let utc = TimeZone(identifier: "UTC")!
        let store = try Store(root: self.store, timeZone: utc, today: ClinicDay(Date(), timeZone: utc))
        let patient = try store.savePatient(Patient(id: "", name: "Zoë Ó Briain", chartNumber: chart))
        var d = SessionDriver(id: Store.newSessionID(startedAt: Date(), timeZone: utc))
        d.clock = Date().addingTimeInterval(-3600)
        let start = try d.run(
            .start(patient: patient, technician: "Alex Rivera", room: "Room 1", plannedZones: zones), after: 0)
        let writer = try store.beginSession(id: d.state.id, events: start)
        let before = d.state.events.count
        _ = try d.preparedForNeedling()
        for zone in zones {
            let depth = ClinicProtocol.standard.zone(zone)?.defaultDepth ?? 0.5
            try d.run(
                .logPass(
                    Pass(zone: zone, depth: depth, count: 2, pattern: .horizontal, endpoint: .erythema),
                    confirmAboveProtocol: false), after: 0.2)
        }
        try d.run(.applyPRP(zone: nil, volumeML: 3, method: .after))
        try d.run(.applyPostCare(product: "Soothing serum", lot: "S-9"))
        try d.run(.recordAftercare(.handedPrePrinted))
        try d.run(.complete)
        for e in d.state.events[before...] { try store.append([e], to: writer) }
        writer.close()
        return d.state.id
    }

    func testTheSheetFitsOneA4PageWithOneZoneAndWithAllTwelve() throws {
        try requireWeasyPrint()
        try requirePoppler()
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let all = ClinicProtocol.standard.zones.map(\.id)
        XCTAssertEqual(all.count, 12)
        for (label, zones) in [("1-zone", ["cheeks"]), ("12-zones", all)] {
            let id = try completedSession(zones: zones, chart: "Z-\(zones.count)")
            let pdf = dir + "/\(label).pdf"
            let saved = cli("aftercare", id, "--output", pdf)
            XCTAssertEqual(saved.status, 0, saved.err)
            let info = Tmux.run(["pdfinfo", pdf]).out
            XCTAssertTrue(info.contains("(A4)"), info)
            let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }
            XCTAssertEqual(pages?.split(separator: " ").last, "1", "\(label): \(info)")
            let text = pdfText(pdf)
            for zone in zones {
                let name = ClinicProtocol.standard.zoneName(zone)
                XCTAssertTrue(text.contains(name), "\(label): \(name) missing:\n\(text)")
            }
            XCTAssertTrue(text.contains("YOUR NEXT VISIT"), text)
            let png = artifacts + "/aftercare-\(label)"
            XCTAssertEqual(
                Tmux.run(["pdftoppm", "-png", "-r", "100", "-singlefile", "-f", "1", "-l", "1", pdf, png]).status, 0)
        }
    }

    func testAMissingTypesetterIsAClearErrorThatRecordsNothing() throws {
        let id = try completedSession(name: "José Müller", chart: "C-1")
        let before = try eventCount(id)
        var environment = env
        environment["PATH"] = dir + "/empty-path"
        let r = Tmux.run([Tmux.binary, "aftercare", id, "--output", dir + "/sheet.pdf"], environment: environment)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("The typeset sheet needs WeasyPrint"), r.err)
        XCTAssertTrue(r.err.contains("--output FILE.txt"), r.err)
        XCTAssertFalse(r.err.contains("José"), "no patient data in the error")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/sheet.pdf"))
        XCTAssertEqual(try eventCount(id), before, "nothing recorded")
        let text = cli("aftercare", id, "--output", dir + "/sheet.txt")
        XCTAssertEqual(text.status, 0, text.err)
        XCTAssertEqual(try eventCount(id), before + 1, "the text sheet still saves")
        let odd = cli("aftercare", id, "--output", dir + "/sheet.docx")
        XCTAssertEqual(odd.status, 64)
        XCTAssertTrue(odd.err.contains("--output must end in .pdf"), odd.err)
    }

    // MARK: command line

    func testAnUnknownCommandListsTheCommands() {
        let r = cli("exprot", "--from", "2026-01-01")
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.err.contains("Error: 'exprot' is not a chairside command."), r.err)
        for command in ["today", "show", "history", "export", "aftercare", "themes", "check", "demo"] {
            XCTAssertTrue(r.err.contains("\n  \(command) "), "\(command) not listed:\n\(r.err)")
        }
        let hostile = cli("\u{1B}[2Jx")
        XCTAssertFalse(hostile.err.contains("\u{1B}"), "the word is shown, not obeyed")
        let afterOption = cli("--store", store, "frobnicate")
        XCTAssertTrue(
            afterOption.err.contains("'frobnicate' is not a chairside command"), "an option's value is not the command")
    }

    func testAUsageErrorShowsThatCommandsUsage() {
        let missing = cli("export", "--from", "2026-01-01")
        XCTAssertEqual(missing.status, 64)
        XCTAssertTrue(missing.err.contains("Missing expected argument '--to <YYYY-MM-DD>'"), missing.err)
        XCTAssertTrue(missing.err.contains("Usage: chairside export "), missing.err)
        let unknown = cli("today", "--bogus")
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.err.contains("Usage: chairside today "), unknown.err)
        let invalid = cli("aftercare", "20261121-090000-ab12", "--text")
        XCTAssertEqual(invalid.status, 64)
        XCTAssertTrue(invalid.err.contains("--text goes with --print"), invalid.err)
        XCTAssertTrue(invalid.err.contains("Usage: chairside aftercare "), invalid.err)
        for (command, date) in [("today", "yesterday"), ("anchor", "2026-02-30")] {
            let badDate = cli(command, "--date", date)
            XCTAssertEqual(badDate.status, 64, badDate.err)
            XCTAssertTrue(badDate.err.contains("--date must be a real day written YYYY-MM-DD"), badDate.err)
            XCTAssertTrue(badDate.err.contains("Usage: chairside \(command) "), badDate.err)
        }
    }
}
