import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Issue 14 point 5: a FIFO, socket, device, folder, regular file or symbolic link where the store
/// expects something else never hangs or blocks a reader. Each case puts one in one store position
/// of a real store and runs separate processes (with a deadline, so a hang fails): a read-only open
/// sees everything else and changes nothing; an open for writing plus `check` moves it aside; then
/// everything reads.
final class HostileFileTests: XCTestCase {
    var dir: String!
    var pristine: String { dir + "/p" }
    let day = "days/\(Probe.today)"

    override func setUpWithError() throws {
        // Short: a socket's path must fit in 108 bytes.
        dir = "/tmp/chh-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        XCTAssertEqual(Probe.run("session", pristine).status, 0)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    enum Kind: String, CaseIterable { case fifo, socket, device, folder, file, link }

    /// Puts a `kind` at `path` (which must not exist). False when this machine cannot (a device without root).
    func make(_ kind: Kind, at path: String, linkTarget: String) throws -> Bool {
        switch kind {
        case .fifo: return mkfifo(path, 0o600) == 0
        case .device: return mknod(path, S_IFCHR | 0o600, dev_t((1 << 8) | 3)) == 0  // /dev/null: major 1, minor 3
        case .folder: try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        case .file: try Data("not what belongs here\n".utf8).write(to: URL(fileURLWithPath: path))
        case .link: try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: linkTarget)
        case .socket:
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return false }
            withUnsafeMutableBytes(of: &addr.sun_path) { buf in
                for (i, b) in bytes.enumerated() { buf[i] = b }
            }
            let ok = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            return ok == 0
        }
        return true
    }

    func testEveryHostileFileTypeInEveryStorePositionIsReportedNeverWaitedOnAndMovedAsideByCheck() throws {
        let journal = "\(day)/\(Probe.sessionID).jsonl"
        // Position, whether it is a folder, and what a reader still sees with it gone: sessions, patients.
        let positions: [(path: String, folder: Bool, sessions: Int, patients: Int)] = [
            ("chairside-store.json", false, 1, 1), ("days", true, 0, 1), ("patients", true, 1, 0),
            ("quarantine", true, 1, 1),
            (day, true, 0, 1), (journal, false, 0, 1), ("\(day)/index.json", false, 1, 1),
            ("patients/journal.jsonl", false, 1, 0), ("patients/directory.bin", false, 1, 1),
            // Acknowledgement marks (issue 14, fifth round): evidence only, so everything still reads.
            ("\(day)/\(Probe.sessionID).ack", false, 1, 1), ("patients/journal.ack", false, 1, 1),
        ]
        var cases = 0
        var skipped: Set<String> = []
        var slowest = 0.0
        for position in positions {
            for kind in Kind.allCases where kind != (position.folder ? .folder : .file) {
                let root = "\(dir!)/c\(cases)"
                try FileManager.default.copyItem(atPath: pristine, toPath: root)
                defer { try? FileManager.default.removeItem(atPath: root) }
                let target = root + "." + "target"
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.moveItem(atPath: "\(root)/\(position.path)", toPath: target)
                guard try make(kind, at: "\(root)/\(position.path)", linkTarget: target) else {
                    skipped.insert(kind.rawValue)
                    continue
                }
                cases += 1
                let what = "\(kind) at \(position.path)"
                let before = StoreAccessSnapshot.take(root)

                let read = Probe.run("read", root, timeout: 20)
                slowest = max(slowest, read.seconds)
                XCTAssertEqual(read.status, 0, "\(what): \(read.lines.suffix(3))")
                XCTAssertTrue(
                    read.lines.contains("opened \(position.sessions) sessions, 0 unreadable"), "\(what): \(read.lines)")
                XCTAssertTrue(read.lines.contains("patients \(position.patients)"), "\(what): \(read.lines)")
                if kind != .file {
                    XCTAssertTrue(
                        read.lines.contains {
                            $0.hasPrefix("finding ") && $0.contains("where a store file is expected")
                        },
                        "\(what): the reader names it: \(read.lines)")
                }
                XCTAssertEqual(StoreAccessSnapshot.take(root), before, "\(what): reading changed nothing")

                let repaired = Probe.run("open", root, timeout: 20)
                slowest = max(slowest, repaired.seconds)
                XCTAssertEqual(repaired.status, 0, "\(what): \(repaired.lines.suffix(3))")
                var st = stat()
                if lstat("\(root)/\(position.path)", &st) == 0 {
                    let mode = st.st_mode & S_IFMT
                    XCTAssertTrue(mode == (position.folder ? S_IFDIR : S_IFREG), "\(what): still there after check")
                }
                let after = Probe.run("read", root, timeout: 20)
                XCTAssertEqual(after.status, 0, "\(what): \(after.lines.suffix(3))")
                XCTAssertFalse(
                    after.lines.contains { $0.contains("where a store file is expected") && !$0.contains("moved") },
                    "\(what): check moved it aside: \(after.lines)")
            }
        }
        XCTAssertGreaterThanOrEqual(cases, 40)
        print(
            "hostile file types: \(cases) cases (FIFO, socket, device, folder, file, link in \(positions.count) store positions)"
                + (skipped.isEmpty ? "" : ", not possible here: \(skipped.sorted())")
                + "; 0 hangs; slowest open \(String(format: "%.2f", slowest)) s")
    }
}

/// Type, mode and bytes of everything under a folder, for "nothing changed".
enum StoreAccessSnapshot {
    static func take(_ path: String) -> [String: String] {
        var out: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: path)
        var rels = [""]
        while let rel = walker?.nextObject() as? String { rels.append(rel) }
        for rel in rels {
            var st = stat()
            guard lstat(path + "/" + rel, &st) == 0 else { continue }
            var entry = "\(st.st_mode)"
            if (st.st_mode & S_IFMT) == S_IFREG {
                entry += " " + JournalLine.hash(FileManager.default.contents(atPath: path + "/" + rel) ?? Data())
            }
            out[rel] = entry
        }
        return out
    }
}
