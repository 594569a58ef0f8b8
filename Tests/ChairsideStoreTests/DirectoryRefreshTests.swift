import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// A console's store builds its patient directory once; patients another process records later
/// (`import-history`, another command, a replica pull) must still be found by its next search.
final class DirectoryRefreshTests: XCTestCase {
    var dir: String!
    let today = ClinicDay(string: "2026-11-21")!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("chairside-dir-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testASearchFindsAPatientAnotherStoreRecordedAfterTheDirectoryWasBuilt() throws {
        let console = try Store(root: dir, timeZone: Fixture.utc, today: today, access: .create)
        _ = try console.savePatient(Fixture.patient("Ana Lima", id: "p-0001", chart: "C-1"))
        XCTAssertEqual(console.directory.search("Lima").map(\.id), ["p-0001"])
        let other = try Store(root: dir, timeZone: Fixture.utc, today: today, access: .write)
        _ = try other.savePatient(Fixture.patient("Bea Costa", id: "p-0002", chart: "C-2"))
        _ = try other.savePatient(Fixture.patient("Ana Lima Souza", id: "p-0003", chart: "C-3"))
        XCTAssertEqual(console.directory.search("Costa"), [], "built before the other store wrote")
        console.refreshDirectoryIfJournalGrew()
        XCTAssertEqual(console.directory.search("Costa").map(\.id), ["p-0002"])
        XCTAssertEqual(Set(console.directory.search("Lima").map(\.id)), ["p-0001", "p-0003"])
        // The console's own next save numbers after the other store's lines, and a reader sees all three.
        _ = try console.savePatient(Fixture.patient("Caio Reis", id: "p-0004", chart: "C-4"))
        let reader = try Store(root: dir, timeZone: Fixture.utc, today: today, access: .read)
        XCTAssertEqual(reader.directory.count, 4)
        XCTAssertFalse(reader.report.hasDamage, "\(reader.report.findings)")
    }
}
