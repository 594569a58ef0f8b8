import ChairsideCore
import ChairsideStore
import Foundation
import XCTest

/// Restoring a lost store and repairing a damaged line from the replica.
final class RestoreRepairTests: ReplicaCase {
    func testALostStoreIsRestoredByteIdenticalAndChecksClean() throws {
        let store = demoStore()
        let id = try storeID(store)
        XCTAssertEqual(chairside("replicate", "--once", "--store", store, "--config", configPath).status, 0)

        let restored = storePath("restored")
        let result = chairside("restore", "--from-replica", "--store", restored, "--config", configPath)
        XCTAssertEqual(result.status, 0, result.out + result.err)
        XCTAssertTrue(result.out.contains("Restored store \(id) into \(restored)"), result.out)
        XCTAssertTrue(result.out.contains("Check: no damage."), result.out)
        let original = StoreJournals.list(root: store).map(\.path)
        let back = StoreJournals.list(root: restored).map(\.path)
        XCTAssertEqual(
            back, original, "missing: \(Set(original).subtracting(back)), extra: \(Set(back).subtracting(original))")
        for journal in original {
            XCTAssertEqual(
                try Data(contentsOf: URL(fileURLWithPath: restored + "/" + journal)),
                try Data(contentsOf: URL(fileURLWithPath: store + "/" + journal)), journal)
        }
        XCTAssertEqual(try storeID(restored), id, "the restored store keeps its ID, so replication carries on")
        let check = chairside("check", "--store", restored)
        XCTAssertEqual(check.status, 0, check.out)
        // Both read through indexes the store rebuilt from the journals.
        XCTAssertEqual(chairside("check", "--store", store).status, 0)
        let (mine, theirs) = (
            chairside("today", "--store", restored, "--json").out, chairside("today", "--store", store, "--json").out
        )
        XCTAssertEqual(mine, theirs, "\n--- restored\n\(mine)\n--- original\n\(theirs)")
    }

    func testRestoreRefusesAFolderThatHoldsAnything() throws {
        let store = demoStore()
        XCTAssertEqual(chairside("replicate", "--once", "--store", store, "--config", configPath).status, 0)
        let result = chairside("restore", "--from-replica", "--store", store, "--config", configPath)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("new, empty folder"), result.err)
    }

    func testAFlippedByteIsPutBackFromTheReplicaAndCheckIsCleanAfter() throws {
        let store = demoStore()
        XCTAssertEqual(chairside("replicate", "--once", "--store", store, "--config", configPath).status, 0)
        let journal = try XCTUnwrap(StoreJournals.list(root: store).first { $0.path.hasPrefix("days/") }).path
        let path = store + "/" + journal
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var damaged = original
        let secondLine = try XCTUnwrap(original.firstIndex(of: 0x0A)) + 1
        damaged[secondLine + 40] ^= 0x04
        try damaged.write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(chairside("check", "--store", store).status, 1, "the flipped byte is damage")

        let repair = chairside("check", "--repair-from-replica", "--store", store, "--config", configPath)
        XCTAssertEqual(repair.status, 0, repair.out + repair.err)
        XCTAssertTrue(repair.out.contains("Restored \(journal) line 2 (event #2) from the replica"), repair.out)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), original)
        XCTAssertEqual(chairside("check", "--store", store).status, 0)
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: store + "/quarantine")
        XCTAssertTrue(
            quarantined.contains { $0.hasSuffix(journal.replacingOccurrences(of: "/", with: "_")) }, "\(quarantined)")
    }

    func testAnEditedLineIsPutBackWhenTheReplicasCopyFitsTheChain() throws {
        let store = demoStore()
        XCTAssertEqual(chairside("replicate", "--once", "--store", store, "--config", configPath).status, 0)
        let journal = try XCTUnwrap(StoreJournals.list(root: store).first { $0.path.hasPrefix("days/") }).path
        let original = try Data(contentsOf: URL(fileURLWithPath: store + "/" + journal))
        try editLine(store + "/" + journal, seq: 3)
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: store + "/" + journal)), original)

        let repair = chairside("check", "--repair-from-replica", "--store", store, "--config", configPath)
        XCTAssertEqual(repair.status, 0, repair.out + repair.err)
        XCTAssertTrue(repair.out.contains("Restored \(journal) line 3 (event #3)"), repair.out)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: store + "/" + journal)), original)
    }

    func testALineTheReplicaNeverHadIsNamedAndLeftInPlace() throws {
        let store = demoStore()
        let journal = try XCTUnwrap(StoreJournals.list(root: store).first { $0.path.hasPrefix("days/") }).path
        let path = store + "/" + journal
        var damaged = try Data(contentsOf: URL(fileURLWithPath: path))
        damaged[10] ^= 0x01
        try damaged.write(to: URL(fileURLWithPath: path))
        // Shipped after the damage: the replica never had line 1.
        XCTAssertEqual(chairside("replicate", "--once", "--store", store, "--config", configPath).status, 0)
        let repair = chairside("check", "--repair-from-replica", "--store", store, "--config", configPath)
        XCTAssertEqual(repair.status, 1)
        XCTAssertTrue(
            repair.out.contains("! \(journal) line 1 (event #1): the replica has no copy that fits the chain"),
            repair.out)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), damaged, "left exactly as it was")
    }

    func testAnIntactLineThatDivergesFromTheReplicaIsKeptAndNamedNotOverwritten() throws {
        // Two copies of one store (same store ID) each register a different lot.
        let first = demoStore("first")
        let second = storePath("second")
        try FileManager.default.copyItem(atPath: first, toPath: second)
        for (store, lot) in [(first, "FIRST-1"), (second, "SECOND-1")] {
            let added = chairside(
                "lots", "add", lot, "--kind", "other", "--product", "Gauze", "--expires", "2030-01-31", "--store", store
            )
            XCTAssertEqual(added.status, 0, added.out + added.err)
        }
        XCTAssertEqual(chairside("replicate", "--once", "--store", first, "--config", configPath).status, 0)
        let diverged = chairside("replicate", "--once", "--store", second, "--config", configPath)
        XCTAssertEqual(diverged.status, 1, diverged.out + diverged.err)
        XCTAssertTrue(diverged.err.contains("1 line differs from the replica's copy"), diverged.err)

        let before = try localLines(second)
        let repair = chairside("check", "--repair-from-replica", "--store", second, "--config", configPath)
        XCTAssertEqual(repair.status, 1, "a divergence is not resolved by repair: " + repair.out + repair.err)
        XCTAssertTrue(repair.out.contains("diverges from the replica; kept"), repair.out)
        XCTAssertTrue(repair.out.contains("Resolve by keeping one copy"), repair.out)
        XCTAssertFalse(repair.out.contains("Put back"), repair.out)
        let after = try localLines(second)
        XCTAssertEqual(after["lots/journal.jsonl#1"], before["lots/journal.jsonl#1"], "the intact line stays as it was")
        XCTAssertEqual(after.count, before.count)
        let list = chairside("lots", "list", "--store", second)
        XCTAssertTrue(list.out.contains("SECOND-1"), list.out)
        XCTAssertFalse(list.out.contains("FIRST-1"), list.out)
    }
}
