import ChairsideCore
import Foundation
import TestSupport
import XCTest

final class LotRegisterTests: XCTestCase {
    let expiry = ClinicDay(string: "2027-03-31")!

    func register(_ commands: [LotCommand]) throws -> LotRegister {
        var r = LotRegister()
        for c in commands {
            for e in try r.decide(c, by: "Alex Rivera", now: Fixture.t0) { r.evolve(e) }
        }
        return r
    }

    func refusal(_ command: LotCommand, in r: LotRegister) -> LotRefusal? {
        do {
            _ = try r.decide(command, by: "Alex Rivera", now: Fixture.t0)
            return nil
        } catch { return error }
    }

    var added: LotCommand { .add(lot: "NB-2611", kind: .anaesthetic, product: "BLT cream", expires: expiry) }

    func testALotGoesFromStockToOpenToFinished() throws {
        var r = try register([added])
        XCTAssertEqual(r.lot("NB-2611")?.status, .inStock)
        r = try register([added, .open(lot: "nb-2611")])
        XCTAssertEqual(r.lot("NB-2611")?.status, .open, "numbers match whatever their case")
        XCTAssertEqual(refusal(.open(lot: "NB-2611"), in: r), .alreadyOpen("NB-2611"))
        r = try register([added, .open(lot: "NB-2611"), .finish(lot: " NB-2611 ")])
        XCTAssertEqual(r.lot("NB-2611")?.status, .finished)
        XCTAssertEqual(refusal(.open(lot: "NB-2611"), in: r), .notUsable(lot: "NB-2611", status: "finished"))
        XCTAssertEqual(r.lastSeq, 3)
    }

    func testAddingRefusesADuplicateMissingNumberOrProduct() throws {
        let r = try register([added])
        XCTAssertEqual(
            refusal(.add(lot: "nb-2611", kind: .serum, product: "X", expires: expiry), in: r),
            .alreadyRegistered(lot: "NB-2611", kind: .anaesthetic))
        XCTAssertEqual(refusal(.add(lot: "  ", kind: .serum, product: "X", expires: expiry), in: r), .lotNumberMissing)
        XCTAssertEqual(refusal(.add(lot: "S-1", kind: .serum, product: " ", expires: expiry), in: r), .productMissing)
        XCTAssertEqual(refusal(.open(lot: "NOPE"), in: r), .unknownLot("NOPE"))
    }

    func testWithdrawingNeedsAReasonAndHappensOnce() throws {
        let r = try register([added])
        XCTAssertEqual(refusal(.withdraw(lot: "NB-2611", reason: " "), in: r), .reasonMissing)
        let withdrawn = try register([added, .withdraw(lot: "NB-2611", reason: "maker's recall 2026-11")])
        XCTAssertEqual(withdrawn.lot("NB-2611")?.status, .withdrawn(reason: "maker's recall 2026-11"))
        XCTAssertEqual(refusal(.withdraw(lot: "NB-2611", reason: "again"), in: withdrawn), .alreadyWithdrawn("NB-2611"))
        XCTAssertEqual(refusal(.open(lot: "NB-2611"), in: withdrawn), .notUsable(lot: "NB-2611", status: "withdrawn"))
    }

    func testALotIsUsableOnItsExpiryDateAndRefusedFromTheDayAfter() throws {
        let r = try register([added, .open(lot: "NB-2611")])
        let lot = try XCTUnwrap(r.lot("NB-2611"))
        XCTAssertEqual(
            r.usability(of: "NB-2611", kind: .anaesthetic, on: expiry.adding(days: -1)), .usable(lot, opens: false))
        XCTAssertEqual(r.usability(of: "NB-2611", kind: .anaesthetic, on: expiry), .usable(lot, opens: false))
        XCTAssertEqual(
            r.usability(of: "NB-2611", kind: .anaesthetic, on: expiry.adding(days: 1)),
            .refused([.expired(lot: "NB-2611", on: expiry)]))
    }

    func testAWithdrawnLotIsRefusedEvenBeforeItsExpiry() throws {
        let r = try register([added, .withdraw(lot: "NB-2611", reason: "recall")])
        XCTAssertEqual(
            r.usability(of: "NB-2611", kind: .anaesthetic, on: expiry.adding(days: -100)),
            .refused([.withdrawn(lot: "NB-2611", reason: "recall")]))
        XCTAssertEqual(
            r.usability(of: "NB-2611", kind: .anaesthetic, on: expiry.adding(days: 1)),
            .refused([.withdrawn(lot: "NB-2611", reason: "recall"), .expired(lot: "NB-2611", on: expiry)]))
    }

    func testUsabilityOpensAStockLotFlagsTheWrongKindAndLeavesNewLotsToTheCaller() throws {
        let r = try register([added])
        let lot = try XCTUnwrap(r.lot("NB-2611"))
        XCTAssertEqual(r.usability(of: "NB-2611", kind: .anaesthetic, on: expiry), .usable(lot, opens: true))
        XCTAssertEqual(
            r.usability(of: "NB-2611", kind: .serum, on: expiry),
            .refused([.otherKind(lot: "NB-2611", registered: .anaesthetic, wanted: [.serum])]))
        XCTAssertEqual(r.usability(of: "NEW-1", kind: .serum, on: expiry), .unregistered)
    }

    func testFormsAreOfferedOpenLotsFirstAndNeverExpiredOrWithdrawnOnes() throws {
        let r = try register([
            added, .add(lot: "NB-2", kind: .anaesthetic, product: "BLT", expires: expiry),
            .add(lot: "NB-OLD", kind: .anaesthetic, product: "BLT", expires: ClinicDay(string: "2026-01-01")!),
            .add(lot: "NB-BAD", kind: .anaesthetic, product: "BLT", expires: expiry),
            .withdraw(lot: "NB-BAD", reason: "recall"), .open(lot: "NB-2"),
            .add(lot: "HS-1", kind: .serum, product: "Serum", expires: expiry),
        ])
        let day = ClinicDay(string: "2026-11-21")!
        XCTAssertEqual(r.offered(kind: .anaesthetic, on: day).map(\.number), ["NB-2", "NB-2611"])
    }

    func testAFieldOfSeveralKindsOffersEveryOpenLotBeforeAnyInStockEachBySoonestExpiry() throws {
        let late = ClinicDay(string: "2027-09-30")!
        let soon = ClinicDay(string: "2027-01-31")!
        let r = try register([
            .add(lot: "T-STOCK", kind: .bloodTubes, product: "Tubes", expires: soon),
            .add(lot: "T-OPEN", kind: .bloodTubes, product: "Tubes", expires: late), .open(lot: "T-OPEN"),
            .add(lot: "K-OPEN", kind: .prpKit, product: "Kit", expires: soon), .open(lot: "K-OPEN"),
            .add(lot: "K-STOCK", kind: .prpKit, product: "Kit", expires: expiry),
        ])
        let day = ClinicDay(string: "2026-11-21")!
        XCTAssertEqual(
            r.offered(kinds: [.bloodTubes, .prpKit], on: day).map(\.number), ["K-OPEN", "T-OPEN", "T-STOCK", "K-STOCK"])
    }

    func testExpiringListsLotsInUseWithinTheWindowSoonestFirst() throws {
        let day = ClinicDay(string: "2026-11-21")!
        let r = try register([
            .add(lot: "A", kind: .serum, product: "S", expires: day.adding(days: 30)),
            .add(lot: "B", kind: .serum, product: "S", expires: day.adding(days: 31)),
            .add(lot: "C", kind: .serum, product: "S", expires: day.adding(days: -2)),
            .add(lot: "D", kind: .serum, product: "S", expires: day.adding(days: 3)), .finish(lot: "D"),
        ])
        XCTAssertEqual(r.expiring(within: 30, on: day).map(\.number), ["C", "A"])
    }

    func testAMonthOnlyExpiryMeansTheLastDayOfThatMonth() {
        XCTAssertEqual(LotExpiry.parse("2027-02"), ClinicDay(string: "2027-02-28"))
        XCTAssertEqual(LotExpiry.parse("2028-02"), ClinicDay(string: "2028-02-29"))
        XCTAssertEqual(LotExpiry.parse("2027-12"), ClinicDay(string: "2027-12-31"))
        XCTAssertEqual(LotExpiry.parse("2027-03-15"), ClinicDay(string: "2027-03-15"))
        XCTAssertNil(LotExpiry.parse("2027-13"))
        XCTAssertNil(LotExpiry.parse("31/03/2027"))
    }

    func testAnOverrideOfARefusedLotIsRecordedWithItsReasonAndNeedsOne() throws {
        var d = SessionDriver()
        _ = try d.screened()
        XCTAssertEqual(
            d.attempt(.overrideLot(lot: "NB-2611", problem: "Lot NB-2611 expired on 2026-11-20.", reason: " ")),
            .missingField("A reason for using this lot"))
        let events = try d.run(
            .overrideLot(lot: "NB-2611", problem: "Lot NB-2611 expired on 2026-11-20.", reason: "only lot; provider ok")
        )
        XCTAssertEqual(
            events.map(\.kind),
            [
                .lotOverridden(
                    lot: "NB-2611", problem: "Lot NB-2611 expired on 2026-11-20.", reason: "only lot; provider ok")
            ])
    }

    func testTheNeedleCartridgeIsRecordedWithinTheDeviceLimits() throws {
        var d = SessionDriver()
        _ = try d.screened()
        XCTAssertEqual(
            d.attempt(.recordNeedleCartridge(NeedleCartridge(lot: "NC-1", configuration: "12-pin", needleLengthMM: 3))),
            .invalidValue("The needle length is more than 0 and at most the device's 2.50 mm."))
        XCTAssertEqual(
            d.attempt(.recordNeedleCartridge(NeedleCartridge(lot: "", configuration: "12-pin", needleLengthMM: 2))),
            .missingField("The cartridge lot"))
        let cartridge = NeedleCartridge(
            lot: "NC-1", configuration: "36-pin", needleLengthMM: 2.5, puncturesPerSecond: 120)
        try d.run(.recordNeedleCartridge(cartridge))
        XCTAssertEqual(d.state.cartridge, cartridge)
    }

    func testAPassDeeperThanTheRecordedCartridgesNeedlesIsWarnedOf() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        try d.run(.recordNeedleCartridge(NeedleCartridge(lot: "NC-1", configuration: "12-pin", needleLengthMM: 1)))
        func warnings(_ events: [SessionEvent]) -> [String] {
            events.compactMap { if case .warning(let code, _) = $0.kind { code } else { nil } }
        }
        let within = try d.run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.0, count: 1, pattern: .vertical, endpoint: .erythema),
                confirmAboveProtocol: false))
        XCTAssertEqual(warnings(within), [], "at the needle length is fine")
        let beyond = try d.run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.5, count: 1, pattern: .vertical, endpoint: .erythema),
                confirmAboveProtocol: false))
        XCTAssertEqual(warnings(beyond), ["depth.beyond-needle"])
    }

    func testASessionsLotsIncludeAVoidedStepSoARecallStillFindsIt() throws {
        var d = SessionDriver()
        _ = try d.screened()
        try d.run(.drawBlood(volumeML: 30, tubes: 3, lot: "acd-1"))
        let numbing = try d.run(.applyNumbing(agent: "BLT", lot: "NB-9", zones: ["cheeks"], dwellTargetMinutes: 30))
        try d.run(.void(seq: numbing[0].seq, reason: "wrong tube of cream"))
        try d.run(.recordNeedleCartridge(NeedleCartridge(lot: "NC-7", configuration: "12-pin", needleLengthMM: 2)))
        XCTAssertEqual(d.state.usedLots, ["ACD-1", "NB-9", "NC-7"])
        XCTAssertEqual(SessionSummary(state: d.state, journalBytes: 0)?.lots, ["ACD-1", "NB-9", "NC-7"])
    }
}
