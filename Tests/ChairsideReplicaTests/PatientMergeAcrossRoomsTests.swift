import ChairsideCore
import ChairsideStore
import Foundation
import XCTest

/// Two rooms registered the same person; a merge recorded in one room reaches the other through the
/// replica, and both rooms then show one patient with the sessions of both records (issue 18, point 4).
final class PatientMergeAcrossRoomsTests: ReplicaCase {
    func testAMergeInOneRoomReplicatesAndTheOtherRoomShowsOnePatientWithBothRecordsSessions() throws {
        let roomA = demoStore("room-a")
        let roomB = demoStore("room-b")
        let utc = TimeZone(identifier: "UTC")!
        let today = ClinicDay(Date(), timeZone: utc)
        // Both demo clinics registered José Müller as C-1001: two records of one person.
        let storeA = try Store(root: roomA, timeZone: utc, today: today, access: .read)
        let storeB = try Store(root: roomB, timeZone: utc, today: today, access: .read)
        let joseA = try XCTUnwrap(storeA.directory.patients(chartNumber: "C-1001").first)
        let joseB = try XCTUnwrap(storeB.directory.patients(chartNumber: "C-1001").first)
        let sessionsA = storeA.history(of: joseA.id).map(\.sessionID)
        let sessionsB = storeB.history(of: joseB.id).map(\.sessionID)
        XCTAssertFalse(sessionsA.isEmpty || sessionsB.isEmpty)
        for (store, _) in [(roomB, 0), (roomA, 1), (roomB, 2)] {
            let shipped = chairside("replicate", "--once", "--store", store, "--config", configPath)
            XCTAssertEqual(shipped.status, 0, shipped.err)
        }

        // The chart number is in both rooms: the merge wants record IDs, and says so.
        let ambiguous = chairside(
            "merge-patients", "C-1001", joseB.id, "--yes", "--store", roomA, "--config", configPath)
        XCTAssertEqual(ambiguous.status, 1)
        XCTAssertTrue(ambiguous.err.contains("belongs to several records"), ambiguous.err)
        let unknown = chairside(
            "merge-patients", joseA.id, "p-nosuch", "--yes", "--store", roomA, "--config", configPath)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.err.contains("No patient record has the ID or chart number \"p-nosuch\""), unknown.err)
        let unconfirmed = chairside("merge-patients", joseA.id, joseB.id, "--store", roomA, "--config", configPath)
        XCTAssertEqual(unconfirmed.status, 1)
        XCTAssertTrue(unconfirmed.out.contains("room \(try storeID(roomB).prefix(8))"), unconfirmed.out)
        XCTAssertTrue(unconfirmed.err.contains("Nothing was recorded"), unconfirmed.err)

        // Room A merges room B's (read-only, pulled) record into its own.
        let merged = chairside("merge-patients", joseA.id, joseB.id, "--yes", "--store", roomA, "--config", configPath)
        XCTAssertEqual(merged.status, 0, merged.err)
        XCTAssertTrue(merged.out.contains("Merged: record \(joseB.id) is now part of \(joseA.id)."), merged.out)
        let twice = chairside("merge-patients", joseA.id, joseB.id, "--yes", "--store", roomA, "--config", configPath)
        XCTAssertEqual(twice.status, 1)
        XCTAssertTrue(twice.err.contains("already merged into \(joseA.id)"), twice.err)
        for store in [roomA, roomB] {
            let shipped = chairside("replicate", "--once", "--store", store, "--config", configPath)
            XCTAssertEqual(shipped.status, 0, shipped.err)
        }

        // Room B (which never recorded the merge) shows one patient with both rooms' sessions.
        for room in [roomB, roomA] {
            let history = chairside("history", "C-1001", "--json", "--store", room, "--config", configPath)
            XCTAssertEqual(history.status, 0, history.err)
            for id in sessionsA + sessionsB { XCTAssertTrue(history.out.contains(id), "\(room) lists \(id)") }
            let check = chairside("check", "--store", room, "--config", configPath)
            XCTAssertEqual(check.status, 0, check.out + check.err)
        }

        // Room B takes its record out again; once replicated, room A shows two patients again.
        let undone = chairside("unmerge-patient", joseB.id, "--yes", "--store", roomB, "--config", configPath)
        XCTAssertEqual(undone.status, 0, undone.err)
        for store in [roomB, roomA] {
            XCTAssertEqual(chairside("replicate", "--once", "--store", store, "--config", configPath).status, 0)
        }
        let own = chairside("history", joseA.id, "--json", "--store", roomA, "--config", configPath)
        XCTAssertEqual(own.status, 0, own.err)
        for id in sessionsA { XCTAssertTrue(own.out.contains(id)) }
        for id in sessionsB { XCTAssertFalse(own.out.contains(id), "un-merged: \(id) is the other record's") }
    }
}
