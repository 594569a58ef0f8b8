import ChairsideCore
import ChairsideStore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideTerminal

/// The lot register and recall screens (issue 17), and the session forms that take a lot.
final class LotScreenTests: XCTestCase {
    /// t0 is 2026-11-21: NB-2611 expires within the 30 days, OLD-1 has expired, HS-0925 is withdrawn.
    func stocked(width: Int = 80, height: Int = 24, more: [LotCommand] = []) throws -> ConsoleHarness {
        let h = try ConsoleHarness(width: width, height: height)
        let commands: [LotCommand] = [
            .add(lot: "NB-2611", kind: .anaesthetic, product: "BLT 20/8/4 cream", expires: day("2026-12-10")),
            .open(lot: "NB-2611"),
            .add(lot: "ACD-4471", kind: .bloodTubes, product: "ACD-A tubes", expires: day("2027-06-30")),
            .add(lot: "HS-0925", kind: .serum, product: "Hyaluronic serum", expires: day("2027-09-30")),
            .withdraw(lot: "HS-0925", reason: "maker's recall 11/2026"),
            .add(lot: "MS-1180", kind: .sunscreen, product: "Mineral SPF 50", expires: day("2027-02-28")),
            .finish(lot: "MS-1180"),
            .add(lot: "OLD-1", kind: .anaesthetic, product: "BLT 20/8/4 cream", expires: day("2026-11-20")),
            .open(lot: "OLD-1"),
        ]
        for c in commands + more { try h.store.recordLot(c, by: "Alex Rivera", now: h.now) }
        h.start(width: width, height: height)
        return h
    }

    func day(_ s: String) -> ClinicDay { ClinicDay(string: s)! }

    func testTodayFlagsLotsExpiringWithinTheSetting() throws {
        let h = try stocked()
        XCTAssertTrue(h.text.contains("xpiring within 30 days"), h.text)
        XCTAssertTrue(h.text.contains("OLD-1 2026-11-20"), "expired and in use comes first")
        h.config.lotExpiryWarningDays = 5
        h.start(width: 80, height: 24)
        XCTAssertFalse(h.text.contains("NB-2611 2026-12-10"), "19 days away is outside a 5-day window")
    }

    func testLotsScreenAt80x24() throws {
        let h = try stocked()
        h.press(.char("L"))
        XCTAssertEqual(h.app.model.screen, .lots)
        h.assertSnapshot("lots-80x24")
    }

    func testLotsScreenAt120x40() throws {
        let h = try stocked(width: 120, height: 40)
        h.press(.char("L"))
        h.assertSnapshot("lots-120x40")
    }

    func testTheLotsKeyIsInTodaysHelp() throws {
        let h = try ConsoleHarness()
        h.press(.char("?"))
        XCTAssertTrue(h.text.contains("lots and recall"), h.text)
    }

    func testAddingAndWithdrawingALotFromTheScreenRecordsItInTheStore() throws {
        let h = try ConsoleHarness()
        h.press(.char("L"), .char("a"))
        h.type("NC-77")
        h.press(.tab, .right, .tab)  // kind: needle cartridge
        h.type("12-pin cartridge")
        h.press(.tab)
        h.type("2027-13-01")
        h.press(.enter)
        XCTAssertTrue(h.text.contains("type the date on the package"), "a bad date keeps the form: \(h.text)")
        h.press(.ctrl("u"))
        h.type("2027-05")
        h.press(.enter)
        XCTAssertNil(h.app.model.overlay)
        XCTAssertEqual(try h.store.lotRegister().lot("NC-77")?.expires, day("2027-05-31"))
        XCTAssertEqual(try h.store.lotRegister().lot("NC-77")?.kind, .needleCartridge)
        h.press(.char("w"), .enter)
        XCTAssertTrue(h.text.contains("Reason"), "a withdrawal needs its reason")
        h.type("cartridges cracked")
        h.press(.enter)
        XCTAssertEqual(try h.store.lotRegister().lot("NC-77")?.status, .withdrawn(reason: "cartridges cracked"))
        XCTAssertTrue(h.status.contains("withdrawn"), h.status)
    }

    func testRecallScreenListsTheSessionsThatUsedALotAt80x24And120x40() throws {
        for (w, hgt) in [(80, 24), (120, 40)] {
            let h = try ConsoleHarness(width: w, height: hgt)
            h.walkToNeedling()  // numbing lot N-77, typed new: the register gets it
            h.press(.char("q"), .char("y"))
            XCTAssertNotNil(try h.store.lotRegister().lot("N-77"), "typing a new lot adds it to the register")
            h.press(.char("L"), .char("R"))
            h.type("n-77")
            h.press(.enter)
            XCTAssertEqual(h.app.model.screen, .recall)
            XCTAssertEqual(h.app.model.recall?.entries.count, 1)
            h.assertSnapshot("recall-\(w)x\(hgt)")
            h.press(.enter)
            XCTAssertEqual(h.app.model.screen, .session, "Enter opens the session")
        }
    }

    /// Screening and consent done, then the numbing form with `lot` typed, on the session's day.
    func numbing(_ h: ConsoleHarness, lot: String, reason: String = "") {
        h.startSession()
        h.press(.char("s"), .char("y"), .char("c"), .enter)
        h.press(.char("3"), .char("a"))
        h.press(.tab, .ctrl("u"))
        h.type(lot)
        if !reason.isEmpty {
            h.press(.tab, .tab, .tab)
            h.type(reason)
        }
        h.press(.enter)
    }

    func testTheNumbingFormOffersTheOpenLotAndFillsItsProduct() throws {
        let h = try stocked()
        h.startSession()
        h.press(.char("s"), .char("y"), .char("c"), .enter)
        h.press(.char("3"), .char("a"))
        guard case .form(let form) = h.app.model.overlay else { return XCTFail("no form") }
        XCTAssertEqual(form.value(of: "Lot")?.text, "NB-2611", "expired OLD-1 is not offered")
        XCTAssertEqual(form.value(of: "Agent")?.text, "BLT 20/8/4 cream")
        h.press(.enter)
        XCTAssertEqual(try h.journalEvents().last?.kind.lotNumbers, ["NB-2611"])
    }

    func testAnExpiredLotIsRefusedWithoutAReasonAndRecordedWithOne() throws {
        let h = try stocked()
        numbing(h, lot: "OLD-1")
        XCTAssertTrue(h.text.contains("expired on 2026-11-20"), h.text)
        XCTAssertFalse(try h.journalEvents().contains { $0.kind.lotNumbers == ["OLD-1"] }, "nothing recorded")
        h.press(.tab, .tab, .tab)
        h.type("last tube; provider approved")
        h.press(.enter)
        let kinds = try h.journalEvents().suffix(2).map(\.kind)
        XCTAssertEqual(
            kinds.first,
            .lotOverridden(
                lot: "OLD-1", problem: "Lot OLD-1 expired on 2026-11-20.", reason: "last tube; provider approved"))
        if case .numbingApplied(_, let lot, _, _) = kinds.last {
            XCTAssertEqual(lot, "OLD-1")
        } else {
            XCTFail("\(kinds)")
        }
    }

    func testAWithdrawnLotIsRefusedUnlessOverriddenWithAReason() throws {
        let h = try stocked()
        h.startSession()
        h.press(.char("s"), .char("y"), .char("c"), .enter)
        h.press(.char("6"), .char("a"))  // post-care: serum, sunscreen or other
        h.type("Hyaluronic serum")
        h.press(.tab, .ctrl("u"))
        h.type("hs-0925")
        h.press(.enter)
        XCTAssertTrue(h.text.contains("withdrawn (maker's recall 11/2026)"), h.text)
        h.press(.tab, .tab, .tab)
        h.type("patient's own bottle, checked")
        h.press(.enter)
        XCTAssertEqual(
            try h.journalEvents().suffix(2).first?.kind,
            .lotOverridden(
                lot: "hs-0925", problem: "Lot HS-0925 is withdrawn (maker's recall 11/2026).",
                reason: "patient's own bottle, checked"))
    }

    func testTheCartridgeIsRecordedFromTheNeedlingPanel() throws {
        let h = try ConsoleHarness()
        h.walkToNeedling()
        h.press(.char("c"))
        h.type("NC-5")
        h.press(.tab, .tab, .ctrl("u"))
        h.type("2.0")
        h.press(.tab)
        h.type("120")
        h.press(.enter)
        XCTAssertEqual(
            try h.store.loadSession(id: h.app.model.session!.state.id).cartridge,
            NeedleCartridge(lot: "NC-5", configuration: "12-pin", needleLengthMM: 2, puncturesPerSecond: 120))
        XCTAssertEqual(try h.store.lotRegister().lot("NC-5")?.status, .open, "a new cartridge lot is registered, open")
    }
}
