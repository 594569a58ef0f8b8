import ChairsideCore
import ChairsideStore
import Foundation
import TestSupport
import XCTest

/// The console's patient search, through its effect runner and real store, finds a patient that
/// another process recorded while the console was running.
final class PatientSearchRefreshTests: XCTestCase {
    func testNewSessionSearchFindsAPatientRecordedByAnotherStoreWhileTheConsoleRuns() throws {
        let h = try ConsoleHarness()
        _ = try h.store.savePatient(Fixture.patient("Ana Lima", id: "p-0001", chart: "C-1"))
        h.press(.char("n"))
        XCTAssertEqual(h.app.model.newSession.results.map(\.id), ["p-0001"])
        h.press(.escape)
        let other = try Store(root: h.dir, timeZone: Fixture.utc, today: ClinicDay(h.now, timeZone: Fixture.utc))
        _ = try other.savePatient(Fixture.patient("Bea Costa", id: "p-0002", chart: "C-2"))
        h.press(.char("n"))
        h.type("Costa")
        XCTAssertEqual(h.app.model.newSession.results.map(\.id), ["p-0002"], h.text)
    }
}
