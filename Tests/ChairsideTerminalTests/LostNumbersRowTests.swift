import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideTerminal

/// Issue 14, fifth round: numbers lost from a journal's end before it was continued are said in
/// the timeline (and so in `show` and the session detail), where they would have stood.
final class LostNumbersRowTests: XCTestCase {
    func continued(after: Int, at seq: Int) throws -> SessionState {
        var d = SessionDriver(id: "20261121-090000-0d0d")
        _ = try d.started()
        var st = d.state
        XCTAssertGreaterThanOrEqual(st.lastSeq, after)
        st.record(
            SessionEvent(
                seq: seq, at: Fixture.minutes(60), by: "Alex Rivera",
                kind: .continuedAfterUnreadableEnd(afterSeq: after)))
        return st
    }

    func notices(_ st: SessionState) -> [String] {
        TimelineRow.rows(st).compactMap { if case .notice(let text) = $0 { text } else { nil } }
    }

    func testNumbersLostBeforeAContinuationAreSaidInPlace() throws {
        let st = try continued(after: 1, at: 4)
        XCTAssertEqual(
            notices(st),
            [
                "events #2–#3 are not in the journal: lost from its end before it was continued (never reused; "
                    + "`chairside check` says where any copy is kept)"
            ])
        XCTAssertEqual(TimelineRow.count(st), TimelineRow.rows(st).count)
    }

    func testAContinuationRightAfterTheLastEventReadSaysNothingLost() throws {
        var d = SessionDriver(id: "20261121-090000-0d0d")
        _ = try d.started()
        let st = try continued(after: d.state.lastSeq, at: d.state.lastSeq + 1)
        XCTAssertEqual(notices(st), [])
    }
}
