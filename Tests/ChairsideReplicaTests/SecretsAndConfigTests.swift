import ChairsideCore
import ChairsideStore
import Foundation
import XCTest

@testable import ChairsideReplica

/// The password is never on a command line, in a log, in an error or in the store; the config
/// refuses a URL that holds one.
final class SecretsAndConfigTests: ReplicaCase {
    var password: String {
        let passfile = ProcessInfo.processInfo.environment["PGPASSFILE"] ?? ""
        let line = read(passfile).split(separator: "\n").first.map(String.init) ?? ""
        return PassFile.split(line).last ?? ""
    }

    func testThePasswordIsNeverInPsLogsErrorsOrTheStore() throws {
        XCTAssertGreaterThan(password.count, 8)
        let store = demoStore()
        let id = try storeID(store)
        let log = dir + "/replicator.log"
        let pid = startReplicator(store: store, log: log)
        try waitUntil("shipped") { replicaLines(id).count == (try localLines(store)).count }
        let ps = run(["/bin/ps", "-eo", "args"])
        XCTAssertTrue(ps.out.contains("chairside-replica replicate"), "ps sees the replicator")
        XCTAssertFalse(ps.out.contains(password))
        XCTAssertFalse(try String(contentsOfFile: "/proc/\(pid)/environ", encoding: .isoLatin1).contains(password))
        _ = stop(pid)
        XCTAssertFalse(read(log).contains(password))
        for file in try FileManager.default.subpathsOfDirectory(atPath: store) {
            XCTAssertFalse(read(store + "/" + file).contains(password), file)
        }

        // A wrong password: the error names the server's refusal, not the password.
        let wrong = dir + "/wrong.pass"
        try "*:*:*:*:\(password)x\n".write(toFile: wrong, atomically: true, encoding: .utf8)
        try writeConfig(url: databaseURL, extra: "password_file = \"\(wrong)\"\n")
        let refused = chairside("replicate", "--once", "--store", store, "--config", configPath)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.err.contains("password authentication failed"), refused.err)
        XCTAssertFalse((refused.out + refused.err).contains(password))

        // A server that is not there: said, with what happens to the lines.
        try writeConfig(url: "postgresql://chairside@127.0.0.1:1/nowhere", extra: "password_file = \"\(wrong)\"\n")
        let down = chairside("replicate", "--once", "--store", store, "--config", configPath)
        XCTAssertEqual(down.status, 1)
        XCTAssertTrue(
            down.err.contains("Cannot reach the replica at postgresql://chairside@127.0.0.1:1/nowhere"), down.err)
        XCTAssertFalse((down.out + down.err).contains(password))
    }

    func testAURLHoldingAPasswordIsRefusedWithoutRepeatingIt() throws {
        let store = demoStore()
        try writeConfig(url: "postgresql://chairside:Sekrit-123@127.0.0.1:5432/db")
        let result = chairside("replicate", "--once", "--store", store, "--config", configPath)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("replica.url: must not hold the password"), result.err)
        XCTAssertFalse(result.err.contains("Sekrit-123"))
    }

    func testTheReplicaCommandsOfChairsideSayWhenChairsideReplicaIsMissing() throws {
        let store = demoStore()
        let lonely = dir + "/lonely"
        try FileManager.default.createDirectory(atPath: lonely, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.chairside, toPath: lonely + "/chairside")
        let before = try localLines(store)
        for args in [
            ["replicate", "--once", "--store", store],
            ["restore", "--from-replica", "--store", dir + "/restored"],
            ["check", "--repair-from-replica", "--store", store],
        ] {
            let result = run([lonely + "/chairside"] + args + ["--config", configPath])
            XCTAssertEqual(result.status, 1, args.joined(separator: " "))
            XCTAssertTrue(
                result.err.contains("\(lonely)/chairside-replica is missing: install it beside chairside"), result.err)
        }
        XCTAssertEqual(try localLines(store), before, "nothing changed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/restored"))
    }
}

/// The replica's config, passfile, migrations and status words: no server needed.
final class ReplicaConfigTests: XCTestCase {
    func testReplicaURLsParseOrSayHowToWriteThem() {
        XCTAssertEqual(
            try ReplicaSettings.parse(url: "postgresql://u@h:5433/d").get(),
            ReplicaSettings(host: "h", port: 5433, user: "u", database: "d"))
        XCTAssertEqual(try ReplicaSettings.parse(url: "postgres://u@db.lan/chairside").get().port, 5432)
        XCTAssertEqual(ReplicaSettings.parse(url: "mysql://u@h/d"), .failure(.notPostgres))
        XCTAssertEqual(ReplicaSettings.parse(url: "postgresql://h/d"), .failure(.noUser))
        XCTAssertEqual(ReplicaSettings.parse(url: "postgresql://u:p@h/d"), .failure(.passwordInURL))
        XCTAssertEqual(ReplicaSettings.parse(url: "postgresql://u@h:99999/d"), .failure(.badPort))
        XCTAssertEqual(ReplicaSettings.parse(url: "postgresql://u@h"), .failure(.noDatabase))
    }

    func testPassfileLinesMatchLikeLibpq() {
        XCTAssertEqual(PassFile.split(#"h:5432:*:u:pa\:ss\\w"#), ["h", "5432", "*", "u", #"pa:ss\w"#])
    }

    func testTheCompiledMigrationsAreTheSQLFilesInTheRepository() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/ChairsideReplica/Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
            .sorted()
        XCTAssertEqual(files, ReplicaMigrations.all.map(\.name))
        for (file, migration) in zip(files, ReplicaMigrations.all) {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            XCTAssertEqual(text.trimmingCharacters(in: .newlines), migration.sql, file)
            XCTAssertEqual(Int(file.prefix(3)), migration.version)
        }
    }

    func testTheStatusReadsAsTheConsoleHeaderShowsIt() {
        let utc = TimeZone(identifier: "UTC")!
        let t = Date(timeIntervalSince1970: 1_790_000_000)
        func status(_ s: ReplicaStatus.State, waiting: Int = 0) -> ReplicaStatus {
            ReplicaStatus(state: s, waiting: waiting, divergent: 2, since: t, checkedAt: t)
        }
        XCTAssertEqual(ReplicaStatus.headerText(status(.upToDate), now: t, timeZone: utc), "replica: up to date")
        XCTAssertEqual(
            ReplicaStatus.headerText(status(.shipping, waiting: 12), now: t, timeZone: utc),
            "replica: 12 events waiting")
        XCTAssertEqual(
            ReplicaStatus.headerText(status(.unreachable), now: t, timeZone: utc), "replica: unreachable since 14:13")
        XCTAssertEqual(
            ReplicaStatus.headerText(status(.upToDate), now: t.addingTimeInterval(600), timeZone: utc),
            "replica: stopped since 14:13")
        XCTAssertEqual(ReplicaStatus.headerText(nil, now: t, timeZone: utc), "replica: not configured")
    }
}
