import ChairsideCore
import ChairsideStore
import Foundation
import XCTest

/// Several rooms replicating to one database see each other's patients and day, read-only.
final class RoomsTests: ReplicaCase {
    func testTwoRoomsReplicatingAtOnceSeeEachOthersPatientsAndDay() throws {
        let roomA = demoStore("room-a")
        let roomB = demoStore("room-b")
        let (idA, idB) = (try storeID(roomA), try storeID(roomB))
        let a = startReplicator(store: roomA, log: dir + "/a.log")
        let b = startReplicator(store: roomB, log: dir + "/b.log")
        let utc = TimeZone(identifier: "UTC")!
        let today = ClinicDay(Date(), timeZone: utc)
        try waitUntil("both rooms shipped") {
            let (a, b) = (try localLines(roomA).count, try localLines(roomB).count)
            return replicaLines(idA).count == a && replicaLines(idB).count == b
        }
        try waitUntil("room A pulled room B") {
            (try? localLines(RoomArea.root(of: roomA, room: idB))) == (try localLines(roomB))
        }
        try waitUntil("room B pulled room A") {
            (try? localLines(RoomArea.root(of: roomB, room: idA))) == (try localLines(roomA))
        }
        let storeA = try Store(root: roomA, timeZone: utc, today: today, access: .read)
        let storeB = try Store(root: roomB, timeZone: utc, today: today, access: .read)
        let everyone = storeA.patientsInAllRooms()
        for p in storeB.directory.patients {
            XCTAssertTrue(everyone.contains { $0.room == idB && $0.patient == p }, "room A finds \(p.id) of room B")
        }
        let ownToday = try storeA.sessions(on: today)
        let all = try storeA.sessionsInAllRooms(on: today)
        XCTAssertEqual(all.count, ownToday.count + (try storeB.sessions(on: today)).count)

        let listed = chairside("today", "--all-rooms", "--store", roomA, "--json")
        XCTAssertEqual(listed.status, 0, listed.err)
        let fromB = try storeB.sessions(on: today).map(\.id)
        XCTAssertFalse(fromB.isEmpty)
        for id in fromB { XCTAssertTrue(listed.out.contains(id), "today --all-rooms lists \(id) of room B") }
        XCTAssertFalse(chairside("today", "--store", roomA, "--json").out.contains(fromB[0]), "only with --all-rooms")

        // A patient registered now in room B reaches room A's search.
        let storeBw = try Store(root: roomB, timeZone: utc, today: today, access: .write)
        let late = try storeBw.savePatient(Patient(id: "", name: "Late Registration", chartNumber: "L-1"))
        try waitUntil("room A finds the new patient") {
            try Store(root: roomA, timeZone: utc, today: today, access: .read).patientsInAllRooms()
                .contains { $0.patient.id == late.id }
        }
        _ = stop(a)
        _ = stop(b)
    }

    func testARoomsPulledRecordIsNeverWritableFromTheOtherRoom() throws {
        let roomA = demoStore("room-a")
        let roomB = demoStore("room-b")
        let idB = try storeID(roomB)
        XCTAssertEqual(chairside("replicate", "--once", "--store", roomB, "--config", configPath).status, 0)
        XCTAssertEqual(chairside("replicate", "--once", "--store", roomA, "--config", configPath).status, 0)
        let utc = TimeZone(identifier: "UTC")!
        let rooms = RoomArea.open(storeRoot: roomA, timeZone: utc, today: ClinicDay(Date(), timeZone: utc))
        let pulled = try XCTUnwrap(rooms.first { $0.id == idB }).store
        XCTAssertEqual(pulled.access, .read)
        XCTAssertThrowsError(try pulled.savePatient(Patient(id: "", name: "Not Here", chartNumber: "N-1")))
        // The pulled room's journals are byte-identical to room B's.
        for file in StoreJournals.list(root: roomB) {
            XCTAssertEqual(
                try Data(contentsOf: URL(fileURLWithPath: RoomArea.root(of: roomA, room: idB) + "/" + file.path)),
                try Data(contentsOf: URL(fileURLWithPath: roomB + "/" + file.path)))
        }
    }
}
