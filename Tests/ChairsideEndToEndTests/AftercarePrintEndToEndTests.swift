import Foundation
import XCTest

/// Printing for real: the console and the CLI send the sheet to a cups-pdf queue on a running
/// CUPS daemon (.ci/cups-setup starts one with PreserveJobFiles Yes), then the test reads what
/// CUPS received and the PDF that came out.
final class AftercarePrintEndToEndTests: EndToEndCase {
    let queue = ProcessInfo.processInfo.environment["CHAIRSIDE_TEST_QUEUE"] ?? "chairside-pdf"
    var pathOverride: String?
    override var env: [String: String] { super.env.merging(pathOverride.map { ["PATH": $0] } ?? [:]) { $1 } }

    override func setUpWithError() throws {
        try super.setUpWithError()
        let probe = Tmux.run(["lpstat", "-p", queue])
        guard probe.status == 0 else {
            let why =
                "no CUPS queue \(queue) (\(probe.err.trimmingCharacters(in: .whitespacesAndNewlines))); run .ci/cups-setup as root"
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail(why) }
            throw XCTSkip(why)
        }
        let typesetting = [
            (["weasyprint", "--version"], "pip install weasyprint"),
            (["pdftotext", "-v"], "apt-get install poppler-utils"),
        ]
        for (probe, hint) in typesetting {
            guard Tmux.run(probe).status != 0 else { continue }
            let why = "the typeset sheet needs \(probe[0]): \(hint) (see README)"
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail(why) }
            throw XCTSkip(why)
        }
        let config = """
            [clinic]
            name = "Harbour Skin Clinic"
            phone = "020 7946 0001"
            printer = "\(queue)"
            """
        try config.write(toFile: dir + "/config/chairside/config.toml", atomically: true, encoding: .utf8)
    }

    override func createConfigFolder() throws {
        try FileManager.default.createDirectory(atPath: dir + "/config/chairside", withIntermediateDirectories: true)
    }

    /// Waits for CUPS to finish the job, then returns the document it received.
    func completedJobDocument(_ jobID: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let deadline = Date().addingTimeInterval(60)
        var completed = ""
        while Date() < deadline {
            completed = Tmux.run(["lpstat", "-W", "completed", "-o", queue]).out
            if completed.split(separator: "\n").contains(where: { $0.hasPrefix(jobID + " ") }) { break }
            Thread.sleep(forTimeInterval: 0.3)
        }
        XCTAssertTrue(
            completed.split(separator: "\n").contains(where: { $0.hasPrefix(jobID + " ") }),
            "job \(jobID) did not complete:\n\(completed)\n\(Tmux.run(["lpstat", "-o", queue]).out)", file: file,
            line: line)
        let number = try XCTUnwrap(Int(jobID.split(separator: "-").last ?? ""), file: file, line: line)
        let spool = String(format: "/var/spool/cups/d%05d-001", number)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: spool))
        guard bytes.starts(with: Data("%PDF".utf8)) else { return String(decoding: bytes, as: UTF8.self) }
        // The typeset sheet: its text as poppler extracts it.
        let r = Tmux.run(["pdftotext", spool, "-"])
        XCTAssertEqual(r.status, 0, r.err, file: file, line: line)
        return r.out
    }

    func spoolIsPDF(_ jobID: String) -> Bool {
        let number = Int(jobID.split(separator: "-").last ?? "") ?? 0
        let spool = String(format: "/var/spool/cups/d%05d-001", number)
        return (FileManager.default.contents(atPath: spool) ?? Data()).starts(with: Data("%PDF".utf8))
    }

    /// The PDF cups-pdf wrote for the job: "<title>-job_<n>.pdf" in the user's ~/PDF.
    func pdf(for jobID: String) throws -> Data {
        let number = jobID.split(separator: "-").last ?? ""
        let home = String(cString: getpwuid(getuid())!.pointee.pw_dir)
        for folder in [home + "/PDF", "/var/spool/cups-pdf/ANONYMOUS"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            if let name = names.first(where: { $0.hasSuffix("job_\(number).pdf") }) {
                return try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            }
        }
        XCTFail("no PDF for job \(jobID) in ~/PDF")
        return Data()
    }

    /// The job id from "Printed on QUEUE (job ID) …" (the timeline may show a truncated copy above it).
    func jobID(in text: String) -> String? {
        guard let printed = text.range(of: "Printed on "),
            let r = text.range(of: "(job ", range: printed.upperBound..<text.endIndex)
        else { return nil }
        return String(text[r.upperBound...].prefix { $0 != ")" })
    }

    func testPrintFromTheConsoleReachesCUPSWithTheSheetAndMakesAPDF() throws {
        tmux.start(consoleLine())
        startSession(name: "Siobhán Nakamura-Okafor")
        walkToAftercare()
        tmux.send("7", "v")
        tmux.waitFor("CARING FOR YOUR SKIN")
        tmux.send("p")
        let screen = tmux.waitFor("Printed on \(queue) (job ", timeout: 30)
        let job = try XCTUnwrap(jobID(in: screen))
        completeAndQuit()

        let show = cli("show", try onlySessionID(), "--json")
        XCTAssertTrue(show.out.contains("\"job_id\" : \"\(job)\""), show.out)
        XCTAssertTrue(show.out.contains("\"printer\" : \"\(queue)\""), show.out)

        let document = try completedJobDocument(job)
        XCTAssertTrue(spoolIsPDF(job), "the console sends the typeset sheet")
        XCTAssertTrue(document.contains("Siobhán Nakamura-Okafor"), document)
        XCTAssertTrue(document.contains("Harbour Skin Clinic"), document)
        XCTAssertTrue(document.contains("Forehead"), document)
        XCTAssertTrue(document.contains("020 7946 0001"), document)
        XCTAssertTrue(try pdf(for: job).starts(with: Data("%PDF".utf8)))
    }

    func testWithoutATypesetterTheConsolePrintsTheTextSheetAndSaysSo() throws {
        pathOverride = "/usr/bin:/bin"  // WeasyPrint lives elsewhere (pip); lp stays reachable
        tmux.start(consoleLine())
        startSession(name: "Aoife Byrne")
        walkToAftercare()
        tmux.send("7", "v")
        tmux.waitFor("CARING FOR YOUR SKIN")
        tmux.send("p")
        let screen = tmux.waitFor(") as plain text: weasyprint", timeout: 30)
        let job = try XCTUnwrap(jobID(in: screen))
        let document = try completedJobDocument(job)
        XCTAssertFalse(spoolIsPDF(job))
        XCTAssertTrue(document.contains("Patient:  Aoife Byrne"), document)
        leaveSessionAndQuit()
    }

    func testPrintFromTheCommandLineRecordsACopyAndMakesAPDF() throws {
        XCTAssertEqual(cli("demo").status, 0)
        let today = Data(cli("today", "--json").out.utf8)
        let day = try XCTUnwrap(try JSONSerialization.jsonObject(with: today) as? [String: Any])
        let list = try XCTUnwrap(day["sessions"] as? [[String: Any]])
        let done = try XCTUnwrap(list.first { $0["status"] as? String == "completed" })
        let id = try XCTUnwrap(done["session_id"] as? String)
        let name = try XCTUnwrap(done["patient_name"] as? String)
        let before = try eventCount(id)

        let printed = cli("aftercare", id, "--print")
        XCTAssertEqual(printed.status, 0, printed.err)
        XCTAssertTrue(printed.out.hasPrefix("Printed on \(queue) (job \(queue)-"), printed.out)
        let job = try XCTUnwrap(jobID(in: printed.out))
        XCTAssertEqual(try eventCount(id), before + 1)
        XCTAssertTrue(cli("show", id).out.contains("Aftercare copy: printed on \(queue) (job \(job))"))

        let document = try completedJobDocument(job)
        XCTAssertTrue(spoolIsPDF(job), "the typeset sheet went to CUPS")
        XCTAssertTrue(document.contains(name), document)
        XCTAssertTrue(document.contains("Call us if you notice any of these"), document)
        XCTAssertTrue(try pdf(for: job).starts(with: Data("%PDF".utf8)))

        let text = cli("aftercare", id, "--print", "--text")
        XCTAssertEqual(text.status, 0, text.err)
        let textJob = try XCTUnwrap(jobID(in: text.out))
        XCTAssertEqual(try eventCount(id), before + 2)
        let plain = try completedJobDocument(textJob)
        XCTAssertFalse(spoolIsPDF(textJob))
        XCTAssertTrue(plain.contains("Patient:  \(name)"), plain)
        XCTAssertTrue(plain.contains("CALL US if you notice any of these:"))
    }

    func testAHostileNamePrintsShownNotObeyed() throws {
        let id = try hostileSession()
        let printed = cli("aftercare", id, "--print")
        XCTAssertEqual(printed.status, 0, printed.err)
        let document = try completedJobDocument(try XCTUnwrap(jobID(in: printed.out)))
        XCTAssertTrue(document.contains("Eve"), document)
        for raw in ["\u{1B}", "\u{07}", "\u{202E}"] {
            XCTAssertFalse(
                document.contains(raw),
                "raw U+\(String(raw.unicodeScalars.first!.value, radix: 16)) reached the printer")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/chairside-pwned"), "shell syntax in a name ran")
    }

    func testPrintToAMissingQueueFromTheCommandLineFailsClearlyAndRecordsNothing() throws {
        XCTAssertEqual(cli("demo").status, 0)
        let today = Data(cli("today", "--json").out.utf8)
        let day = try XCTUnwrap(try JSONSerialization.jsonObject(with: today) as? [String: Any])
        let list = try XCTUnwrap(day["sessions"] as? [[String: Any]])
        let id = try XCTUnwrap(list.first { $0["status"] as? String == "completed" }?["session_id"] as? String)
        let before = try eventCount(id)
        let r = cli("aftercare", id, "--print", "--printer", "no-such-queue")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("Not printed: CUPS refused the job: lp: "), r.err)
        XCTAssertTrue(r.err.contains("Check the printer"), r.err)
        XCTAssertEqual(try eventCount(id), before)

        let saved = cli("aftercare", id, "--output", dir + "/sheet.txt")
        XCTAssertEqual(saved.status, 0, saved.err)
        XCTAssertEqual(try eventCount(id), before + 1, "the other choices still work")
        let stdout = cli("aftercare", id)
        XCTAssertEqual(try String(contentsOfFile: dir + "/sheet.txt", encoding: .utf8), stdout.out)
        XCTAssertEqual(try eventCount(id), before + 1, "writing to stdout records nothing")
    }
}
