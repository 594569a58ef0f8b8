import XCTest

@testable import ChairsideTerminal

/// A long unbroken word (a saved sheet's path with its session ID) wraps without a character put into it.
final class LongWordWrapTests: XCTestCase {
    func testAPathCutAtTheEdgeGoesOnWithoutAnInsertedSpace() {
        let path = "/store/aftercare/20261121-162808-1432.pdf"
        let rows = SessionView.PanelWriter.rows("16:28 Saved " + path, width: 20, indent: 6)
        XCTAssertGreaterThan(rows.count, 2)
        XCTAssertTrue(rows.allSatisfy { DisplayWidth.of($0) <= 20 }, "\(rows)")
        XCTAssertEqual(rows[0], "16:28 Saved")
        XCTAssertEqual(
            rows.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.joined(), path,
            "the path reads whole across the rows: \(rows)")
    }

    func testWordsStillBreakAtTheirSpaces() {
        let rows = SessionView.PanelWriter.rows("09:00 Depth Forehead: 0.50 mm → 1.00 mm", width: 16, indent: 6)
        XCTAssertEqual(rows, ["09:00 Depth", "      Forehead:", "      0.50 mm →", "      1.00 mm"])
    }
}
