import ChairsideCore
import ChairsideStore
import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// Shipping a store to a real PostgreSQL: every line exactly once, with its bytes and hash;
/// idempotent; divergence reported and never overwritten; crashes and outages lose nothing.
final class ShippingTests: ReplicaCase {
    func testAFullDemoClinicIsShippedLineForLineAndShippingAgainChangesNothing() throws {
        let store = demoStore()
        let id = try storeID(store)
        let first = run([Self.replica, "replicate", "--once", "--store", store, "--config", configPath])
        XCTAssertEqual(first.status, 0, first.err)
        let local = try localLines(store)
        XCTAssertGreaterThan(local.count, 50)
        XCTAssertTrue(local.keys.contains { $0.hasPrefix(StoreJournals.patientJournal) }, "patients are shipped too")
        XCTAssertEqual(replicaLines(id), local)
        // The bytes themselves, not only the hashes: the replica's bytes hash to the recorded hash.
        XCTAssertEqual(scalar("SELECT count(*) FROM chairside_lines WHERE encode(sha256(bytes), 'hex') <> hash"), "0")

        let again = chairside("replicate", "--once", "--store", store, "--config", configPath)
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertEqual(scalar("SELECT count(*) FROM chairside_lines"), String(local.count))
        let status = try XCTUnwrap(ReplicaStatus.read(root: store))
        XCTAssertEqual(status.state, .upToDate)
        XCTAssertEqual(ReplicaStatus.headerText(status, now: Date(), timeZone: .current), "replica: up to date")
        XCTAssertEqual(scalar("SELECT max(version) FROM chairside_schema"), "1")
    }

    func testAnEditedLocalJournalIsADivergenceReportedLoudlyAndTheReplicaKeepsItsCopy() throws {
        let store = demoStore()
        let id = try storeID(store)
        XCTAssertEqual(run([Self.replica, "replicate", "--once", "--store", store, "--config", configPath]).status, 0)
        let journal = try XCTUnwrap(StoreJournals.list(root: store).first { $0.path.hasPrefix("days/") }).path
        let before = replicaLines(id)["\(journal)#2"]
        try editLine(store + "/" + journal, seq: 2)

        let result = run([Self.replica, "replicate", "--once", "--store", store, "--config", configPath])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("DIVERGENCE: \(journal) line #2"), result.err)
        XCTAssertTrue(result.err.contains("1 line differs from the replica"), result.err)
        XCTAssertEqual(replicaLines(id)["\(journal)#2"], before, "never overwritten")
        XCTAssertEqual(
            scalar("SELECT count(*) FROM chairside_divergences WHERE journal = '\(journal)' AND seq = 2"), "1")
        let status = try XCTUnwrap(ReplicaStatus.read(root: store))
        XCTAssertEqual(status.state, .divergent)
        XCTAssertEqual(
            ReplicaStatus.headerText(status, now: Date(), timeZone: .current),
            "replica: 1 line differs from the replica"
        )
    }

    func testAReplicatorKilledAtRandomMomentsLeavesEveryLineExactlyOnce() throws {
        let store = demoStore(years: 0.25)
        let id = try storeID(store)
        let local = try localLines(store)
        var rng = SystemRandomNumberGenerator()
        for round in 0..<6 {
            let pid = startReplicator(store: store, log: dir + "/replicator.log")
            usleep(UInt32.random(in: 150_000...1_500_000, using: &rng))
            _ = stop(pid, signal: SIGKILL)
            // Meanwhile the room goes on recording.
            try addPatient(store, name: "Killed Round \(round)")
        }
        let final = run([Self.replica, "replicate", "--once", "--store", store, "--config", configPath])
        XCTAssertEqual(final.status, 0, final.err)
        let now = try localLines(store)
        XCTAssertEqual(now.count, local.count + 6)
        XCTAssertEqual(replicaLines(id), now)
        XCTAssertEqual(scalar("SELECT count(*) FROM chairside_lines"), String(now.count), "exactly once")
    }

    func testTheLongRunningReplicatorShipsNewLinesAndStopsCleanlyOnSIGTERM() throws {
        let store = demoStore()
        let id = try storeID(store)
        let pid = startReplicator(store: store, log: dir + "/replicator.log")
        try waitUntil("the store shipped") { replicaLines(id).count == (try localLines(store)).count }
        let patient = try addPatient(store, name: "Fresh Arrival")
        try waitUntil("the new patient line shipped") { replicaLines(id).count == (try localLines(store)).count }
        XCTAssertEqual(replicaLines(id), try localLines(store))
        XCTAssertFalse(read(dir + "/replicator.log").contains(patient.name), "the log holds no patient data")
        let status = stop(pid, signal: SIGTERM)
        XCTAssertEqual(status & 0x7F, 0, "ended by itself on SIGTERM, not killed")
    }

    func testPostgresStoppedMidShippingCatchesUpWithNothingLost() throws {
        let store = demoStore(years: 0.25)
        let id = try storeID(store)
        let pid = startReplicator(store: store, log: dir + "/replicator.log")
        defer { _ = pgctl("start") }
        try waitUntil("shipping began") { Int(scalar("SELECT count(*) FROM chairside_lines")) ?? 0 > 0 }
        let stopped = pgctl("stop")
        XCTAssertEqual(stopped.status, 0, stopped.err)
        try addPatient(store, name: "During Outage")
        waitUntil("the status says unreachable", timeout: 90) { ReplicaStatus.read(root: store)?.state == .unreachable }
        if ReplicaStatus.read(root: store)?.state != .unreachable { print(read(dir + "/replicator.log")) }
        let status = try XCTUnwrap(ReplicaStatus.read(root: store))
        XCTAssertGreaterThan(status.waiting, 0)
        XCTAssertTrue(
            ReplicaStatus.headerText(status, now: Date(), timeZone: .current).hasPrefix("replica: unreachable since "))
        let started = pgctl("start")
        XCTAssertEqual(started.status, 0, started.err)
        try waitUntil("caught up", timeout: 180) { replicaLines(id).count == (try localLines(store)).count }
        XCTAssertEqual(replicaLines(id), try localLines(store))
        waitUntil("the status says up to date") { ReplicaStatus.read(root: store)?.state == .upToDate }
        XCTAssertTrue(read(dir + "/replicator.log").contains("reachable again"), read(dir + "/replicator.log"))
        _ = stop(pid)
    }

    func testWithoutAReplicaInConfigItSaysHowToConfigureOne() throws {
        try "".write(toFile: configPath, atomically: true, encoding: .utf8)
        let store = demoStore()
        let result = chairside("replicate", "--once", "--store", store, "--config", configPath)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("No replica is configured: add [replica] url"), result.err)
        XCTAssertNil(ReplicaStatus.read(root: store))
        XCTAssertEqual(ReplicaStatus.headerText(nil, now: Date(), timeZone: .current), "replica: not configured")
    }
}
