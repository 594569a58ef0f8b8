import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Issue 14, fifth round: when a day's journals no longer match its anchor, the standing finding keeps
/// the root recorded before the damage (and the session's recorded head), so the rebuilt index does not
/// erase what the day's anchor was.
final class AnchorMismatchRecordTests: XCTestCase {
    var dir: String!
    let today = ClinicDay(string: "2026-11-21")!
    let id = "20261121-090000-0b0b"

    override func setUpWithError() throws {
        dir =
            FileManager.default.temporaryDirectory.appendingPathComponent("chairside-anchor-\(UUID().uuidString)")
            .path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func openStore(_ access: StoreAccess = .create) throws -> Store {
        try Store(root: dir, timeZone: Fixture.utc, today: today, access: access)
    }

    var journalPath: String { "\(dir!)/days/2026-11-21/\(id).jsonl" }

    func recordCompletedSession() throws {
        let store = try openStore()
        let p = try store.savePatient(Fixture.patient(id: ""))
        var d = SessionDriver(id: id)
        let start = try d.run(
            .start(patient: p, technician: "Alex Rivera", room: "Room 1", plannedZones: ["forehead"]), after: 0)
        let writer = try store.beginSession(id: id, events: start)
        defer { writer.close() }
        let before = d.state.events.count
        _ = try d.preparedForNeedling()
        try d.run(
            .logPass(
                Pass(zone: "forehead", depth: 0.5, count: 3, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false), after: 4)
        try d.run(.applyPRP(zone: nil, volumeML: 3.5, method: .after), after: 2)
        try d.run(.applyPostCare(product: "Soothing serum", lot: "S-9"), after: 3)
        try d.run(.recordAftercare(.handedPrePrinted), after: 2)
        try d.run(.complete)
        for event in d.state.events[before...] { try store.append([event], to: writer) }
    }

    /// The last line edited by hand with a recomputed checksum: its own check holds, the head changes.
    func editLastLineKeepingItsChecksumValid() throws {
        var lines = try Data(contentsOf: URL(fileURLWithPath: journalPath)).split(separator: 0x0A).map { Data($0) }
        let last = try XCTUnwrap(JournalLine.decode([UInt8](lines[lines.count - 1])[...]))
        let payload = Data(
            String(decoding: last.payload, as: UTF8.self).replacingOccurrences(of: "\"by\":\"", with: "\"by\":\"X")
                .utf8)
        lines[lines.count - 1] = JournalLine.encode(seq: last.seq, payload: payload, more: last.more, prev: last.prev)
            .dropLast()
        try Data(lines.map { $0 + [0x0A] }.joined()).write(to: URL(fileURLWithPath: journalPath))
    }

    func testTheRootRecordedBeforeTheDamageOutlivesTheRebuiltIndexUntilAccepted() throws {
        try recordCompletedSession()
        let recorded = try openStore(.read).anchor(on: today)
        let recordedHead = try XCTUnwrap(recorded.heads.first?.head)
        try editLastLineKeepingItsChecksumValid()
        let store = try openStore(.write)
        _ = try store.check()
        XCTAssertTrue(store.report.findings.contains(.anchorMismatch(day: "2026-11-21", session: id)))

        let reader = try openStore(.read)
        let now = try reader.anchor(on: today)
        XCTAssertNotEqual(now.root, recorded.root, "the rebuilt index gives the new root")
        let mismatches = try reader.anchorMismatches(on: today)
        XCTAssertEqual(mismatches.count, 1)
        let m = try XCTUnwrap(mismatches.first)
        XCTAssertEqual(m.recordedRoot, recorded.root)
        XCTAssertEqual(m.rootNow, now.root)
        XCTAssertEqual(m.sessions, [AnchorMismatch.Session(id: id, recordedHead: recordedHead)])
        XCTAssertTrue(m.differs)
        XCTAssertFalse(m.accepted)
        XCTAssertTrue(m.headline.contains("no longer match the anchor recorded before \(m.detectedAt)"), m.headline)
        XCTAssertTrue(m.lines.contains("   anchor recorded before the damage: " + recorded.root), "\(m.lines)")
        XCTAssertNotNil(m.evidence, "the index as it was is kept in quarantine")
        XCTAssertEqual(try openStore(.read).anchorMismatches(on: ClinicDay(string: "2026-11-20")!), [])

        XCTAssertEqual(try openStore(.write).acceptStandingFindings("2026-11-21"), 1)
        let accepted = try XCTUnwrap(try openStore(.read).anchorMismatches(on: today).first)
        XCTAssertNotNil(accepted.acceptedAt)
        XCTAssertEqual(accepted.recordedRoot, recorded.root, "still said once accepted")
        XCTAssertTrue(accepted.headline.contains("(accepted at "), accepted.headline)
    }

    func testAFindingFromBeforeTheRootWasKeptGetsItFromTheIndexCopyInQuarantine() throws {
        try recordCompletedSession()
        let recorded = try openStore(.read).anchor(on: today)
        try editLastLineKeepingItsChecksumValid()
        _ = try openStore(.write).check()
        // As an earlier version wrote it: no recorded root or head.
        let path = dir + "/standing-findings.json"
        var entries = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [[String: Any]])
        for i in entries.indices {
            entries[i]["recordedRoot"] = nil
            entries[i]["recordedHead"] = nil
        }
        try JSONSerialization.data(withJSONObject: entries).write(to: URL(fileURLWithPath: path))
        let m = try XCTUnwrap(try openStore(.read).anchorMismatches(on: today).first)
        XCTAssertEqual(m.recordedRoot, recorded.root)
    }

    func testARepairingOpenThatFindsTheMismatchKeepsTheRecordedRootToo() throws {
        try recordCompletedSession()
        let recorded = try openStore(.read).anchor(on: today)
        try editLastLineKeepingItsChecksumValid()
        _ = try openStore(.write)  // lists today for writing: finds the mismatch before rebuilding the index
        let m = try XCTUnwrap(try openStore(.read).anchorMismatches(on: today).first)
        XCTAssertEqual(m.recordedRoot, recorded.root)
        XCTAssertNotEqual(m.rootNow, recorded.root)
    }
}
