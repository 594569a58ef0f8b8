import ChairsideCore
import ChairsideTerminal
import Foundation
import TestSupport
import XCTest

/// Every form keeps its values when focus moves (↓ ↑ Tab Shift-Tab), in any order; typing into a
/// prefilled field replaces it; required fields are marked.
final class FormTests: XCTestCase {
    static let proto = ClinicProtocol.standard

    /// Every form the console opens, by name.
    static var allForms: [(String, any FormContent)] {
        let zone = proto.zones[0]
        var d = SessionDriver()
        _ = try? d.screened()
        let voidable = d.state.voidableEvents
        return [
            ("new patient", NewPatientForm(name: "José")),
            ("start session", StartSessionForm(patient: Fixture.patient(), config: .standard)),
            ("go to date", GoToDateForm(day: ClinicDay(string: "2026-11-21")!)),
            ("late session", LateSessionForm(day: ClinicDay(string: "2026-11-21")!)),
            (
                "step time",
                StepTimeForm(current: Fixture.t0, earliest: Fixture.t0, latest: Fixture.t0, timeZone: Fixture.utc)
            ),
            ("save sheet", SaveSheetForm(path: "/store/aftercare/x.txt")),
            ("consent", ConsentForm(patientName: "José Müller")),
            ("override", OverrideForm()),
            ("blood draw", BloodDrawForm()),
            ("centrifuge", CentrifugeForm()),
            ("PRP prepared", PRPPreparedForm()),
            ("growth factors", ProductLotForm(purpose: .growthFactors)),
            ("post-care", ProductLotForm(purpose: .postCare)),
            ("numbing", NumbingForm(defaultDwellMinutes: 30)),
            ("pass", PassForm(zone: zone, depth: zone.defaultDepth)),
            ("PRP applied", PRPApplyForm(plannedZones: ["forehead", "cheeks"], proto: proto)),
            ("note", TextEntryForm(.note)),
            ("amendment", TextEntryForm(.amendment)),
            ("adverse event", TextEntryForm(.adverseEvent)),
            ("skip numbing", TextEntryForm(.skipNumbing)),
            ("declined", TextEntryForm(.aftercareDeclined)),
            ("abort", TextEntryForm(.abort)),
            ("screening when", ScreeningWhenForm(item: proto.contraindications.first { $0.id == "neurotoxin" }!)),
            ("depth", DepthForm(zone: zone, current: zone.defaultDepth)),
            ("completion reasons", CompletionForm(gaps: CompletionGap.allCases)),
            ("void", VoidForm(voidable: voidable, proto: proto)),
            ("add lot", LotAddForm(technicians: ["Alex Rivera", "Sam Okafor"])),
            ("withdraw lot", LotWithdrawForm(lot: "NB-2611", technicians: ["Alex Rivera"])),
            ("recall", RecallLotForm()),
            ("needle cartridge", NeedleCartridgeForm(deviceMax: 2.5)),
        ]
    }

    func testEveryFormKeepsEveryValueAcrossFocusMoves() {
        let moves: [[Key]] = [
            [.down], [.up], [.tab], [.backTab], [.down, .down, .up], [.tab, .tab, .backTab, .down],
            [.up, .up, .up], [.backTab, .backTab],
        ]
        for (name, content) in Self.allForms {
            var form = OpenForm(content)
            // Give each field a value of its own: text typed, a choice moved, a zone marked.
            for i in 0..<form.fields.count {
                form.focus = i
                switch form.fields[i].value {
                case .text: for c in "v\(i)-\(name.prefix(3))" { _ = form.handle(.char(c)) }
                case .choice: _ = form.handle(.right)
                case .multi: _ = form.handle(.char(" "))
                }
            }
            let filled = form.fields
            for start in 0..<filled.count {
                for sequence in moves {
                    form.focus = start
                    for key in sequence { XCTAssertEqual(form.handle(key), .editing) }
                    XCTAssertEqual(
                        form.fields, filled,
                        "\(name): moving \(sequence.map(\.label)) from field \(start) changed a value")
                }
            }
        }
    }

    func testPostCareProductThenDownLeavesTheLotEmpty() {
        var form = OpenForm(ProductLotForm(purpose: .postCare))
        for c in "Serum" { _ = form.handle(.char(c)) }
        _ = form.handle(.down)
        XCTAssertEqual(form.value(of: "Product")?.text, "Serum")
        XCTAssertEqual(form.value(of: "Lot")?.text, "", "↓ moved the focus, not the value")
        _ = form.handle(.up)
        _ = form.handle(.up)
        XCTAssertEqual(form.value(of: "Lot")?.text, "")
    }

    func testTypingIntoAPrefilledFieldReplacesItAndEditingAfterwardsAppends() {
        var form = OpenForm(BloodDrawForm())
        XCTAssertEqual(form.value(of: "Volume (mL)")?.text, "30")
        for c in "25" { _ = form.handle(.char(c)) }
        XCTAssertEqual(form.value(of: "Volume (mL)")?.text, "25")
        _ = form.handle(.backspace)
        _ = form.handle(.char("0"))
        XCTAssertEqual(form.value(of: "Volume (mL)")?.text, "20")
        _ = form.handle(.tab)
        _ = form.handle(.backspace)
        XCTAssertEqual(form.value(of: "Tubes")?.text, "", "Backspace on a prefilled value edits it")
    }

    func testAnEntryStopsAtItsLimit() {
        var form = OpenForm(OverrideForm())
        for _ in 0..<6000 { _ = form.handle(.char("x")) }
        XCTAssertEqual(form.value(of: "Provider")?.text.count, FormField.maxTextLength)
    }

    func testRequiredFieldsAreMarkedOnScreen() throws {
        let h = try ConsoleHarness()
        h.walkToNeedling()
        h.press(.char("2"), .char("f"))
        XCTAssertTrue(h.text.contains("Product *:"), h.text)
        XCTAssertTrue(h.text.contains("Lot *:"), h.text)
        XCTAssertTrue(h.text.contains("* required"), h.text)
    }

    func testAProblemNamesTheFieldAndWhatToType() throws {
        let h = try ConsoleHarness()
        h.walkToNeedling()
        h.press(.char("2"), .char("b"))
        h.type("lots")
        h.press(.enter)
        guard case .form(let form)? = h.app.model.overlay else { return XCTFail("form closed") }
        XCTAssertEqual(form.error, "Volume (mL): type a number, such as 4 or 2.5.")
    }

    func testALongEntryScrollsSoItsEndStaysInSight() throws {
        let h = try ConsoleHarness()
        h.startSession()
        h.press(.char("n"))
        h.type(String(repeating: "abcdefghij", count: 9) + "THE-END")
        XCTAssertTrue(h.text.contains("THE-END▏"), h.text)
        XCTAssertTrue(h.text.contains("…"), h.text)
    }
}
