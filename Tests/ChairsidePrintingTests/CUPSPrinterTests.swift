import ChairsideCore
import Foundation
import XCTest

@testable import ChairsidePrinting

final class CUPSPrinterTests: XCTestCase {
    func testArgumentsSetThePaperMarginsAndATitleWithoutPatientData() {
        let args = CUPSPrinter(command: "lp").arguments(printer: "front-desk", paper: .letter)
        XCTAssertEqual(
            args,
            [
                "lp", "-d", "front-desk", "-t", "Chairside aftercare",
                "-o", "media=Letter", "-o", "document-format=text/plain", "-o", "cpi=12", "-o", "lpi=7",
                "-o", "page-left=54", "-o", "page-right=54", "-o", "page-top=54", "-o", "page-bottom=54",
            ])
        let a4 = CUPSPrinter(command: "lp").arguments(printer: nil, paper: .a4)
        XCTAssertFalse(a4.contains("-d"), "no printer named: the system default")
        XCTAssertTrue(a4.contains("media=A4"))
    }

    func testSeventyTwoColumnsFitBothPapersAtTwelveCharactersPerInch() {
        // A4 is 8.27 in wide, Letter 8.5 in; less two 0.75 in margins.
        let textInches = Double(AftercareLayout.columns) / Double(AftercareLayout.charactersPerInch)
        let margins = 2 * Double(AftercareLayout.marginPoints) / 72
        XCTAssertLessThanOrEqual(textInches, 8.27 - margins)
        XCTAssertLessThanOrEqual(textInches, 8.5 - margins)
    }

    func testJobIDIsReadFromLpsAnswer() {
        XCTAssertEqual(CUPSPrinter.jobID(in: "request id is front-desk-42 (0 file(s))\n"), "front-desk-42")
        XCTAssertNil(CUPSPrinter.jobID(in: "something else"))
        XCTAssertEqual(CUPSPrinter.queue(of: "front-desk-42"), "front-desk")
    }

    func testAMissingPrintProgramIsCUPSMissing() {
        XCTAssertThrowsError(try CUPSPrinter(command: "/nonexistent/lp").print("x", printer: nil, paper: .a4)) {
            error in
            XCTAssertEqual(error as? PrintError, .cupsMissing)
        }
    }

    /// A real program stands in for lp to show the argv and stdin arrive unchanged, with no shell between.
    func testArgumentsAndTextReachTheProgramUnchangedWithNoShell() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = dir + "/fake-lp"
        try """
        #!/bin/sh
        printf '%s\\n' "$@" > "\(dir)/argv"
        cat > "\(dir)/stdin"
        echo "request id is fake-7 (0 file(s))"
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let hostile = "q; touch \(dir)/pwned $(touch \(dir)/pwned2)"
        let text = String(repeating: "Séance ✓ 山田\n", count: 20_000)  // larger than a pipe buffer
        let job = try CUPSPrinter(command: script).print(text, printer: hostile, paper: .a4)
        XCTAssertEqual(job, PrintJob(printer: "fake", jobID: "fake-7"))
        XCTAssertEqual(try String(contentsOfFile: dir + "/stdin", encoding: .utf8), text)
        let argv = try String(contentsOfFile: dir + "/argv", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(argv[1], hostile)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/pwned"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/pwned2"))
    }

    func testAProgramThatHangsTimesOut() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = dir + "/slow-lp"
        try "#!/bin/sh\nexec sleep 30\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        XCTAssertThrowsError(try CUPSPrinter(command: script, timeoutSeconds: 1).print("x", printer: nil, paper: .a4)) {
            error in
            XCTAssertEqual(error as? PrintError, .timedOut(seconds: 1))
        }
    }
}

final class ChildProcessTests: XCTestCase {
    /// A program that never reads its input must not hold the console past the deadline,
    /// even when the input is larger than a pipe holds.
    func testAChildThatNeverReadsStdinStillTimesOut() {
        let process = ChildProcess(
            arguments: ["sleep", "30"], environment: ProcessInfo.processInfo.environment, timeout: 1)
        let started = Date()
        XCTAssertThrowsError(try process.run(input: Data(repeating: 65, count: 1_000_000)))
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }
}

final class PDFPrintingTests: XCTestCase {
    func testAPDFGoesToCUPSAsAPDFWithTheMediaAndATitleWithoutPatientData() {
        XCTAssertEqual(
            CUPSPrinter(command: "lp").pdfArguments(printer: "front-desk", paper: .letter),
            [
                "lp", "-d", "front-desk", "-t", "Chairside aftercare", "-o", "media=Letter",
                "-o", "document-format=application/pdf",
            ])
    }

    /// A stand-in lp receives the PDF's bytes exactly (binary, larger than a pipe buffer).
    func testThePDFReachesTheProgramByteForByte() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = dir + "/fake-lp"
        try "#!/bin/sh\ncat > \"\(dir)/stdin\"\necho \"request id is fake-9 (1 file(s))\"\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        var pdf = Data("%PDF-1.7\n".utf8)
        pdf.append(Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
        let job = try CUPSPrinter(command: script).printPDF(pdf, printer: nil, paper: .a4)
        XCTAssertEqual(job.jobID, "fake-9")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/stdin")), pdf)
    }
}

final class SheetTypesetterTests: XCTestCase {
    func testTheRendererReadsTheStandardInputAndWritesTheStandardOutputWithNoShell() {
        XCTAssertEqual(
            SheetTypesetter(command: "weasyprint").arguments(),
            ["weasyprint", "--quiet", "--encoding", "utf-8", "-", "-"])
        XCTAssertEqual(
            SheetTypesetter(command: "weasyprint", baseFolder: "/etc/chairside").arguments(),
            ["weasyprint", "--quiet", "--encoding", "utf-8", "--base-url", "/etc/chairside/", "-", "-"])
    }

    func testAMissingRendererSaysWhatToInstallInWordsForEveryFrontEnd() {
        XCTAssertThrowsError(try SheetTypesetter(command: "/nonexistent/weasyprint").pdf(html: "<p>x</p>")) { error in
            XCTAssertEqual(error as? TypesetError, .rendererMissing(command: "/nonexistent/weasyprint"))
            XCTAssertTrue("\(error)".contains("apt-get install") || "\(error)".contains("pip install"), "\(error)")
            XCTAssertFalse("\(error)".contains("--"), "no command-line flag in words the console shows too: \(error)")
        }
    }

    func testARendererThatFailsOrAnswersWithoutAPDFIsAnError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let failing = dir + "/failing"
        let chatty = dir + "/chatty"
        try "#!/bin/sh\ncat >/dev/null\nexit 3\n".write(toFile: failing, atomically: true, encoding: .utf8)
        try "#!/bin/sh\ncat >/dev/null\necho hello\n".write(toFile: chatty, atomically: true, encoding: .utf8)
        chmod(failing, 0o755)
        chmod(chatty, 0o755)
        XCTAssertThrowsError(try SheetTypesetter(command: failing).pdf(html: "<p>x</p>")) { error in
            XCTAssertEqual(error as? TypesetError, .failed(status: 3))
        }
        XCTAssertThrowsError(try SheetTypesetter(command: chatty).pdf(html: "<p>x</p>")) { error in
            XCTAssertEqual(error as? TypesetError, .notAPDF)
        }
    }
}
