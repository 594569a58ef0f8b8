import ChairsideCore
import ChairsidePrinting
import ChairsideStore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideTerminal

final class AftercareScreenTests: XCTestCase {
    func testPreviewShowsThePatientsSheetFullScreenAt80x24() throws {
        let h = try ConsoleHarness()
        h.walkToAftercare()
        h.press(.char("v"))
        guard case .sheet = h.app.model.overlay else { return XCTFail("no preview: \(h.status)") }
        h.assertSnapshot("aftercare-preview-80x24")
        XCTAssertTrue(h.text.contains("Patient:  José Müller"))
        XCTAssertTrue(h.text.contains("p print · s save · h handed · d declined · ? help · Esc back"))
    }

    func testPreviewScrollsToTheNextVisitAt120x40() throws {
        let h = try ConsoleHarness(width: 120, height: 40)
        h.walkToAftercare()
        h.press(.char("v"), .end)
        h.assertSnapshot("aftercare-preview-end-120x40")
        XCTAssertTrue(h.text.contains("YOUR NEXT VISIT"))
        XCTAssertTrue(h.text.contains("Saturday 19 December 2026"))
        XCTAssertFalse(h.text.contains("CARING FOR YOUR SKIN"), "scrolled past the top")
        h.press(.home)
        XCTAssertTrue(h.text.contains("CARING FOR YOUR SKIN"))
    }

    func testWithoutCUPSPrintingSaysSoKeepsThePreviewAndRecordsNothing() throws {
        let h = try ConsoleHarness()
        h.walkToAftercare()
        let before = try h.journalEvents().count
        h.press(.char("v"), .char("p"))
        XCTAssertTrue(h.status.hasPrefix("Not printed: CUPS is not installed here (no lp command)."), h.status)
        XCTAssertEqual(h.app.model.status?.role, .danger)
        guard case .sheet = h.app.model.overlay else { return XCTFail("the preview closed after a failed print") }
        XCTAssertEqual(try h.journalEvents().count, before)
        XCTAssertNil(h.app.model.session?.state.aftercare)
        // The other choices are still there.
        h.press(.char("h"))
        XCTAssertEqual(h.app.model.session?.state.aftercare, .handedPrePrinted)
        XCTAssertEqual(try h.journalEvents().last?.kind, .aftercareGiven(delivery: .handedPrePrinted))
    }

    func testADeadPrintServerIsAClearMessage() throws {
        let h = try ConsoleHarness()
        // The real lp, talking to a port where no CUPS listens.
        var env = ProcessInfo.processInfo.environment
        env["CUPS_SERVER"] = "127.0.0.1:9"
        h.desk = AftercareDesk(printer: CUPSPrinter(environment: env, timeoutSeconds: 10), queue: "front-desk")
        h.start(width: 80, height: 24)
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/lp") else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                XCTFail("lp is missing; .ci/run installs cups-client")
            }
            throw XCTSkip("lp is not installed here")
        }
        h.walkToAftercare()
        h.press(.char("v"), .char("p"))
        XCTAssertTrue(h.status.hasPrefix("Not printed: CUPS refused the job: lp: "), h.status)
        XCTAssertTrue(h.status.contains("nothing was recorded") || h.status.contains("Nothing was recorded"), h.status)
        XCTAssertNil(h.app.model.session?.state.aftercare)
    }

    func testSavingWritesTheSheetDurablyAndRecordsTheFile() throws {
        let h = try ConsoleHarness()
        h.walkToAftercare()
        h.press(.char("v"), .char("s"))
        guard case .form(let form) = h.app.model.overlay, form.content is SaveSheetForm else {
            return XCTFail("no save form")
        }
        let id = h.app.model.session!.state.id
        XCTAssertEqual(form.value(of: "File")?.text, h.dir + "/aftercare/\(id).pdf", "the typeset sheet by default")
        h.press(.ctrl("u"))
        h.type(h.dir + "/aftercare/\(id).txt")
        h.press(.enter)
        let path = h.dir + "/aftercare/\(id).txt"
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(saved.contains("Patient:  José Müller"))
        XCTAssertTrue(saved.contains("  - Forehead: 0.50 mm"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertEqual(try h.journalEvents().last?.kind, .aftercareGiven(delivery: .saved(file: path)))
        XCTAssertNil(h.app.model.overlay)
    }

    func testSavingByDefaultWritesTheTypesetSheet() throws {
        let h = try ConsoleHarness()
        h.walkToAftercare()
        h.press(.char("v"), .char("s"), .enter)
        let path = h.dir + "/aftercare/\(h.app.model.session!.state.id).pdf"
        XCTAssertEqual(try h.journalEvents().last?.kind, .aftercareGiven(delivery: .saved(file: path)), h.status)
        XCTAssertTrue(try Data(contentsOf: URL(fileURLWithPath: path)).starts(with: Data("%PDF".utf8)))
    }

    func testSavingIntoAMissingFolderKeepsTheFormAndSaysWhy() throws {
        let h = try ConsoleHarness()
        h.walkToAftercare()
        let before = try h.journalEvents().count
        h.press(.char("v"), .char("s"), .ctrl("u"))
        h.type("/nonexistent-folder/sheet.txt")
        h.press(.enter)
        guard case .form(let form) = h.app.model.overlay, form.content is SaveSheetForm else {
            return XCTFail("form closed")
        }
        XCTAssertTrue(form.error?.contains("No such file or directory") == true, form.error ?? "")
        XCTAssertEqual(try h.journalEvents().count, before)
    }

    func testDeclinedFromThePreviewNeedsAReason() throws {
        let h = try ConsoleHarness()
        h.walkToAftercare()
        h.press(.char("v"), .char("d"))
        h.type("Has our sheet from last month")
        h.press(.enter)
        XCTAssertEqual(h.app.model.session?.state.aftercare, .declined(reason: "Has our sheet from last month"))
    }

    func testAFinishedSessionReprintsAsARecordedCopy() throws {
        let h = try ConsoleHarness()
        h.walkToAftercare()
        h.press(.char("h"), .char("C"), .char("y"))
        XCTAssertEqual(h.app.model.session?.state.status, .completed)
        h.press(.char("7"), .char("v"))
        XCTAssertTrue(h.text.contains("already given: printing or saving records a copy"))
        XCTAssertFalse(h.text.contains("h handed pre-printed"))
        h.press(.char("h"))
        XCTAssertEqual(h.app.model.session?.state.aftercare, .handedPrePrinted, "handed is not offered on a reprint")
        h.press(.char("s"), .enter)
        let path = h.dir + "/aftercare/\(h.app.model.session!.state.id).pdf"
        XCTAssertEqual(try h.journalEvents().last?.kind, .aftercareReissued(delivery: .saved(file: path)))
        XCTAssertEqual(h.app.model.session?.state.status, .completed)
    }

    func testABrokenClinicTemplateFallsBackWithANotice() throws {
        let h = try ConsoleHarness()
        let broken = Result<AftercareTemplate, TemplateError> { () throws(TemplateError) in
            try AftercareTemplate(text: "Hi {{patient}}\n", file: "/etc/chairside/aftercare.mustache")
        }
        h.desk = AftercareDesk(template: broken, printer: CUPSPrinter(command: "/nonexistent/lp"))
        h.start(width: 80, height: 24)
        h.walkToAftercare()
        h.press(.char("v"))
        XCTAssertTrue(h.status.hasPrefix("/etc/chairside/aftercare.mustache:1: unknown field \"patient\""), h.status)
        XCTAssertTrue(h.text.contains("CARING FOR YOUR SKIN"), "the built-in sheet stands in")
    }

    func testAStepTheDeciderRefusesNeitherPrintsNorRecords() throws {
        let h = try ConsoleHarness()
        h.walkToNeedling()  // no pass yet: aftercare is refused
        h.press(.char("7"), .char("v"), .char("p"))
        XCTAssertTrue(h.status.contains("pass"), h.status)
        XCTAssertFalse(h.status.contains("CUPS"), "refused before lp was tried")
    }
}
