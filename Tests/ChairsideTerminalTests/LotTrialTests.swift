import ChairsideCore
import ChairsideStore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideTerminal

/// What a new user's trial of the lot register and recall found (issue 17, points 1–2).
extension LotScreenTests {
    func day(_ s: String, _ kind: LotKind, _ lot: String, _ product: String, open: Bool = true) -> [LotCommand] {
        [.add(lot: lot, kind: kind, product: product, expires: day(s))] + (open ? [.open(lot: lot)] : [])
    }

    /// Screening and consent done, the numbing recorded with the open NB-2611: the panel's next keys work.
    func afterNumbing(_ h: ConsoleHarness) {
        numbing(h, lot: "NB-2611")
        XCTAssertNil(h.app.model.overlay, h.text)
    }

    func testPostCareSwitchingTheLotBringsThatLotsProductNotThePreviousOne() throws {
        let h = try stocked(
            more: day("2027-01-31", .serum, "SER-1", "Vitamin C serum")
                + day("2027-03-31", .sunscreen, "SUN-1", "Mineral SPF 50"))
        afterNumbing(h)
        h.press(.char("6"), .char("a"))
        guard case .form(let before) = h.app.model.overlay else { return XCTFail("no form: \(h.text)") }
        XCTAssertEqual(before.value(of: "Lot")?.text, "SER-1")
        XCTAssertEqual(before.value(of: "Product")?.text, "Vitamin C serum")
        h.press(.tab, .right)
        guard case .form(let after) = h.app.model.overlay else { return XCTFail("no form") }
        XCTAssertEqual(after.value(of: "Lot")?.text, "SUN-1")
        XCTAssertEqual(after.value(of: "Product")?.text, "Mineral SPF 50", "the product follows the lot")
        h.press(.enter)
        XCTAssertEqual(try h.journalEvents().last?.kind, .postCareApplied(product: "Mineral SPF 50", lot: "SUN-1"))
    }

    func testATypedProductIsKeptAndAFilledOneClearedForALotTheRegisterDoesNotKnow() {
        let lots = LotRegister(events: [
            LotEvent(
                seq: 1, at: .now, by: "A",
                kind: .added(lot: "SER-1", kind: .serum, product: "Vitamin C serum", expires: nil))
        ]).all
        var form = OpenForm(ProductLotForm(purpose: .postCare, offered: lots), focus: 1)
        for c in "NEW-1" { _ = form.handle(.char(c)) }
        XCTAssertEqual(form.value(of: "Product")?.text, "", "the register's product of SER-1 is not NEW-1's")
        _ = form.handle(.up)
        for c in "Own balm" { _ = form.handle(.char(c)) }
        _ = form.handle(.down)
        _ = form.handle(.backspace)
        XCTAssertEqual(form.value(of: "Product")?.text, "Own balm", "what the technician typed stays")
    }

    func testAPostCareLotOfAnotherKindIsRefusedUnlessOverriddenWithAReason() throws {
        let h = try stocked(more: day("2027-05-31", .needleCartridge, "NC-9", "12-pin cartridge"))
        afterNumbing(h)
        h.press(.char("6"), .char("a"))
        h.type("Soothing serum")
        h.press(.tab, .ctrl("u"))
        h.type("NC-9")
        h.press(.enter)
        XCTAssertTrue(h.text.contains("registered as needle cartridge"), h.text)
        XCTAssertFalse(try h.journalEvents().contains { $0.kind.lotNumbers == ["NC-9"] }, "nothing recorded")
        h.press(.tab, .tab, .tab)
        h.type("cartridge box label misprinted")
        h.press(.enter)
        XCTAssertNil(h.app.model.overlay, h.text)
        let kinds = try h.journalEvents().suffix(2).map(\.kind)
        XCTAssertEqual(
            kinds.first,
            .lotOverridden(
                lot: "NC-9", problem: "Lot NC-9 is registered as needle cartridge, not serum or sunscreen or other.",
                reason: "cartridge box label misprinted"))
    }

    func testAnExpiredPRPKitInTheBloodDrawIsRefusedOnlyForItsExpiryAndAnOpenKitIsTaken() throws {
        let h = try stocked(
            more: day("2026-11-01", .prpKit, "EXP-1", "PRP kit") + day("2027-04-30", .prpKit, "KIT-1", "PRP kit"))
        afterNumbing(h)
        h.now = h.now.addingTimeInterval(120)
        h.press(.char("2"), .char("b"), .tab, .tab, .ctrl("u"))
        h.type("EXP-1")
        h.press(.enter)
        guard case .form(let form) = h.app.model.overlay else { return XCTFail("form closed: \(h.text)") }
        XCTAssertEqual(
            form.error,
            "Tube / kit lot: Lot EXP-1 expired on 2026-11-01. Pick another lot, or give a reason in "
                + "\"Reason to use a refused lot\" to use it anyway.")
        h.press(.ctrl("u"))
        h.type("KIT-1")
        h.press(.enter)
        XCTAssertNil(h.app.model.overlay, h.text)
        XCTAssertEqual(try h.journalEvents().last?.kind.lotNumbers, ["KIT-1"])
    }

    func testFormsOfferTheOpenLotBeforeOneInStockEvenWhenTheStockOneExpiresFirst() throws {
        let h = try stocked(more: day("2026-11-30", .anaesthetic, "NB-NEW", "BLT cream", open: false))
        h.startSession()
        h.press(.char("s"), .char("y"), .char("c"), .enter)
        h.press(.char("3"), .char("a"))
        guard case .form(let form) = h.app.model.overlay else { return XCTFail("no form") }
        XCTAssertEqual(form.value(of: "Lot")?.text, "NB-2611", "the open lot, not NB-NEW still sealed")
        XCTAssertEqual(form.fields.first { $0.label == "Lot" }?.suggestions, ["NB-2611", "NB-NEW"])
    }

    func testFinishingALotAsksFirstAndNoKeepsItOpen() throws {
        let h = try stocked()
        h.press(.char("L"))
        XCTAssertEqual(LotsScreen.rows(h.app.model.lotRegister).first?.number, "OLD-1")
        h.press(.char("f"))
        XCTAssertTrue(h.text.contains("Mark lot OLD-1"), h.text)
        h.press(.char("n"))
        XCTAssertEqual(try h.store.lotRegister().lot("OLD-1")?.status, .open, "n finishes nothing")
        h.press(.char("f"), .char("y"))
        XCTAssertEqual(try h.store.lotRegister().lot("OLD-1")?.status, .finished)
        XCTAssertTrue(h.status.contains("Lot OLD-1 is finished"), h.status)
    }

    func testTodayAt80ColumnsShowsTheSoonestLotFirstAndCountsTheRest() throws {
        let more =
            (1...5).flatMap { day("2026-12-1\($0)", .serum, "SERUM-LOT-\($0)", "Serum") }
            + day("2026-12-01", .sunscreen, "SEALED-1", "SPF", open: false)
        let h = try stocked(more: more)
        let line = try XCTUnwrap(h.text.split(separator: "\n").first { $0.contains("xpiring within 30 days") })
        XCTAssertTrue(line.contains("OLD-1 2026-11-20"), "the expired lot in use comes first: \(line)")
        XCTAssertTrue(line.trimmingCharacters(in: .whitespaces).hasSuffix("more · 1 in stock (L)"), "\(line)")
        XCTAssertFalse(line.contains("SEALED-1"), "a sealed lot is counted, not listed")
        XCTAssertLessThanOrEqual(DisplayWidth.of(String(line)), 80)
    }

    func testTheNewPatientFormTakesAPhoneTheRecallShows() throws {
        let h = try ConsoleHarness()
        h.press(.char("n"), .ctrl("n"))
        h.type("Ana Lima")
        h.press(.tab)
        h.type("C-2002")
        h.press(.tab, .tab)
        h.type("+351 912 345 678")
        h.press(.enter)
        let patient = try XCTUnwrap(h.store.directory.patients.first { $0.name == "Ana Lima" })
        XCTAssertEqual(patient.phone, "+351 912 345 678")
    }

    func testEscFromASessionOpenedOutOfARecallReturnsToTheRecallList() throws {
        let h = try ConsoleHarness()
        h.walkToNeedling()  // numbing lot N-77
        h.press(.char("q"), .char("y"))
        h.press(.char("L"), .char("R"))
        h.type("N-77")
        h.press(.enter, .enter)
        XCTAssertEqual(h.app.model.screen, .session)
        h.press(.escape)
        if case .confirm = h.app.model.overlay { h.press(.char("y")) }
        XCTAssertEqual(h.app.model.screen, .recall, "back to the list of patients to call")
        XCTAssertEqual(h.app.model.recall?.entries.count, 1)
    }
}
