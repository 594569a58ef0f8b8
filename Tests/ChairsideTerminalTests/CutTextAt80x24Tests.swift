import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideTerminal

/// Texts the new-user trial found cut at 80x24 (issue 15): the history's technician and zone note,
/// a prefilled entry's marker, the event an undo is about.
final class CutTextAt80x24Tests: XCTestCase {
    func testHistoryShowsTheTechnicianWholeWhereThereIsRoom() throws {
        let h = try ConsoleHarness.demo(width: 80, height: 24)
        h.press(.enter)  // the day's first session
        h.press(.char("t"), .char("H"))
        XCTAssertEqual(h.app.model.screen, .history, h.text)
        // The demo's technician: six columns cut it to "Techn…" while twenty stood empty.
        XCTAssertTrue(h.text.contains("completed  Technician  "), "the technician is whole:\n\(h.text)")
        XCTAssertFalse(h.text.contains("…"), h.text)
    }

    func testAPrefilledEntryKeepsItsWholeMarker() {
        var form = OpenForm(SaveSheetForm(path: "/var/lib/chairside/aftercare/" + String(repeating: "x", count: 60)))
        form.focus = 0
        var c = Canvas(width: 80, height: 24)
        FormView.draw(form, in: Rect(x: 0, y: 0, width: 80, height: 21), into: &c)
        XCTAssertTrue(c.text.contains("◂ typing replaces"), c.text)
    }

    func testTheEventToUndoIsReadWhole() {
        let note = "Patient asked to pause for a phone call about her daughter's school pick-up this afternoon"
        let event = SessionEvent(seq: 12, at: Fixture.t0, by: "Alex Rivera", kind: .note(text: note))
        let form = OpenForm(VoidForm(voidable: [event], proto: Fixture.proto))
        var c = Canvas(width: 80, height: 24)
        FormView.draw(form, in: Rect(x: 0, y: 0, width: 80, height: 21), into: &c)
        let joined = c.lines().map { $0.replacingOccurrences(of: "│", with: " ") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(joined.contains("#12 Note: " + note), c.text)
        XCTAssertFalse(c.text.contains("…"), c.text)
    }
}
