import ChairsideCore
import Foundation
import TestSupport
import XCTest

final class CompactDirectoryTests: XCTestCase {
    static let first = ["José", "Zoë", "Jonas", "Ana", "李", "Siobhán", "Mateo", "Jo", "Åsa", "ＡＢＣ"]
    static let last = ["Müller", "Ó Briain", "Jones", "Muñoz", "小龙", "Mu", "García", "Okafor", "van der Berg"]

    /// A seeded directory of `n` patients with repeated names, accents, wide letters and edits.
    func patients(_ n: Int, seed: UInt64) -> [Patient] {
        var rng = SplitMixForTests(seed)
        return (0..<n).map { i in
            Patient(
                id: "p-\(String(rng.next() % 1_000_000, radix: 16))-\(i)",
                name: Self.first[Int(rng.next() % 10)] + " " + Self.last[Int(rng.next() % 9)],
                dateOfBirth: i % 3 == 0 ? nil : ClinicDay(year: 1950 + i % 60, month: 1 + i % 12, day: 1 + i % 28),
                chartNumber: "C-\(1000 + i)", fitzpatrick: i % 4 == 0 ? nil : 1 + i % 6,
                notes: i % 5 == 0 ? "note \(i)" : "")
        }
    }

    /// The search as it was before the compact form: fold, split, every word a prefix of some word,
    /// exact chart number first, then name order.
    func reference(_ all: [Patient], _ query: String, limit: Int = 50) -> [Patient] {
        let fold = { (s: String) in
            s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        }
        let typed = fold(query).split(separator: " ").map(String.init)
        var latest: [String: Patient] = [:]
        for p in all { latest[p.id] = p }
        let sorted = latest.values.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        let exact = typed.isEmpty ? nil : sorted.first { fold($0.chartNumber) == typed.joined(separator: " ") }
        let rest = sorted.filter { p in
            p.id != exact?.id
                && typed.allSatisfy { w in
                    fold(p.name + " " + p.chartNumber).split(separator: " ").contains { $0.hasPrefix(w) }
                }
        }
        return Array(((exact.map { [$0] } ?? []) + rest).prefix(limit))
    }

    func testSearchFindsWhatTheWordPrefixSearchFinds() {
        let all = patients(3_000, seed: 7)
        let dir = PatientDirectory(all)
        for query in [
            "", "jo", "jo mu", "JOSÉ", "zoe o", "o", "李", "ａｂｃ", "c-1042", "C-2", "mu jo", "xyz", "van der", "sio bri",
            "  ana   gar ",
        ] {
            XCTAssertEqual(dir.search(query).map(\.id), reference(all, query).map(\.id), "query \"\(query)\"")
            XCTAssertEqual(
                dir.search(query, limit: 3).map(\.id), reference(all, query, limit: 3).map(\.id),
                "query \"\(query)\", 3")
            XCTAssertLessThanOrEqual(
                dir.snapshot.search(typed: [], limit: 7) { _ in false }.count, 7, "the scan stops at the limit")
        }
    }

    func testNarrowWordsAreFoundThroughTheWordIndexAndCommonOnesByTheScanAlike() throws {
        // Over `candidateLimit` chart words start with "c", so "c" is served by the scan in name
        // order; "c-1", "c-59" and names are served from the word index. Both must find the same.
        let all = patients(CompactDirectory.candidateLimit + 1_500, seed: 21)
        let dir = PatientDirectory(
            snapshot: try XCTUnwrap(
                CompactDirectory(
                    bytes: CompactDirectory(patients: all, stamp: .init(journalBytes: 1, lastSeq: 1)).bytes)))
        for query in [
            "c", "c jo", "jo c", "c-1", "c-59", "c-5999", "jo c-4", "mu", "z", "zoe mu", "van d", "o b", "c-10000", "q",
        ] {
            XCTAssertEqual(dir.search(query).map(\.id), reference(all, query).map(\.id), "query \"\(query)\"")
            XCTAssertEqual(
                dir.search(query, limit: 1).map(\.id), reference(all, query, limit: 1).map(\.id),
                "query \"\(query)\", 1")
        }
    }

    func testPatientsAddedOrEditedAfterTheSnapshotAreFoundInNameOrder() {
        var all = patients(500, seed: 11)
        var dir = PatientDirectory(
            snapshot: CompactDirectory(patients: all, stamp: .init(journalBytes: 10, lastSeq: 500)))
        let added = patients(40, seed: 12).map { p in
            Patient(id: "new-" + p.id, name: p.name, chartNumber: "N-" + p.chartNumber)
        }
        var edited = all[17]
        edited.name = "Aaron Müller"
        for p in added + [edited] { dir.upsert(p) }
        all += added + [edited]
        for query in ["", "mu", "aaron", "jo mu", "n-c", "c-1017"] {
            XCTAssertEqual(dir.search(query).map(\.id), reference(all, query).map(\.id), "query \"\(query)\"")
        }
        XCTAssertEqual(dir.patient(id: edited.id)?.name, "Aaron Müller")
        XCTAssertEqual(dir.count, 540)
        XCTAssertEqual(Set(dir.patients.map(\.id)).count, 540)
        XCTAssertEqual(dir.compacted(stamp: .init(journalBytes: 20, lastSeq: 541)).count, 540)
    }

    func testEveryFieldReadsBackAndLookupsByIDAndChartHold() throws {
        let all = patients(200, seed: 3)
        let compact = CompactDirectory(patients: all, stamp: .init(journalBytes: 1234, lastSeq: 200))
        let reopened = try XCTUnwrap(CompactDirectory(bytes: compact.bytes))
        XCTAssertEqual(reopened.stamp, .init(journalBytes: 1234, lastSeq: 200))
        let dir = PatientDirectory(snapshot: reopened)
        for p in all {
            XCTAssertEqual(dir.patient(id: p.id), p)
            XCTAssertEqual(dir.patients(chartNumber: p.chartNumber.lowercased()), [p])
        }
        XCTAssertNil(dir.patient(id: "nobody"))
        XCTAssertThrowsError(try dir.validate(Patient(id: "other", name: "X", chartNumber: all[5].chartNumber)))
        XCTAssertNoThrow(try dir.validate(all[5]))
    }

    func testADamagedHeaderIsRefusedAndDamagedTablesNeverReadOutOfBounds() {
        let all = patients(100, seed: 5)
        let bytes = CompactDirectory(patients: all, stamp: .init(journalBytes: 1, lastSeq: 1)).bytes
        XCTAssertNil(CompactDirectory(bytes: bytes.prefix(bytes.count - 1)))
        XCTAssertNil(CompactDirectory(bytes: Data("CHDIR002".utf8)))
        XCTAssertNil(CompactDirectory(bytes: Data()))
        for offset in [0, 24, 28, 36, 40, 44] {
            var damaged = bytes
            damaged[offset] ^= 0xFF
            XCTAssertNil(CompactDirectory(bytes: damaged), "header byte \(offset)")
        }
        // The tables are checked where they are read: any flipped byte there leaves every lookup in bounds.
        var rng = SplitMixForTests(9)
        for _ in 0..<200 {
            var damaged = bytes
            let at = 48 + Int(rng.next() % UInt64(4 * (4 * 100 + 2)))
            damaged[at] ^= UInt8(1 << (rng.next() % 8))
            guard let compact = CompactDirectory(bytes: damaged) else { continue }
            let dir = PatientDirectory(snapshot: compact)
            XCTAssertLessThanOrEqual(dir.search("").count, 50)
            _ = dir.search("jo mu")
            _ = dir.patients(chartNumber: all[3].chartNumber)
            _ = dir.patient(id: all[7].id)
            XCTAssertEqual(dir.patients.count, 100)
        }
        // The word index is checked where it is read, too.
        let wordsAt = bytes.withUnsafeBytes {
            Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 40, as: UInt32.self)))
        }
        for _ in 0..<200 {
            var damaged = bytes
            let at = wordsAt + Int(rng.next() % UInt64(bytes.count - wordsAt))
            damaged[at] ^= UInt8(1 << (rng.next() % 8))
            guard let compact = CompactDirectory(bytes: damaged) else {
                XCTFail("a damaged word index leaves the header intact")
                continue
            }
            let dir = PatientDirectory(snapshot: compact)
            _ = dir.search("jo mu")
            _ = dir.search("c-10")
            XCTAssertEqual(dir.patients.count, 100)
        }
    }

    func testADirectoryOfTheEarlierLayoutIsKnownAsOutOfDateNotDamaged() {
        var old = CompactDirectory(patients: patients(5, seed: 1), stamp: .init(journalBytes: 1, lastSeq: 1)).bytes
        old.replaceSubrange(0..<8, with: Data("CHDIR001".utf8))
        XCTAssertNil(CompactDirectory(bytes: old))
        XCTAssertTrue(CompactDirectory.isEarlierLayout(old))
        XCTAssertFalse(CompactDirectory.isEarlierLayout(Data("not a directory".utf8)))
        XCTAssertFalse(
            CompactDirectory.isEarlierLayout(
                CompactDirectory(patients: [], stamp: .init(journalBytes: 0, lastSeq: 0)).bytes))
    }

    /// A directory read a page at a time through a cache far smaller than it finds exactly what the
    /// same bytes in memory find, and a narrow search reads only a few pages.
    func testADirectoryReadAPageAtATimeFindsWhatTheBufferInMemoryFinds() throws {
        let all = patients(12_000, seed: 16)
        let built = CompactDirectory(patients: all, stamp: .init(journalBytes: 9, lastSeq: 3))
        XCTAssertGreaterThan(
            built.bytes.count, 2 * DirectoryBytes.cachePages * DirectoryBytes.pageSize,
            "the directory is several times the cache, so pages are evicted and read again")
        let source = CountingPages(built.bytes)
        let paged = try XCTUnwrap(CompactDirectory(source: source))
        XCTAssertEqual(paged.stamp, built.stamp)
        XCTAssertEqual(paged.count, built.count)
        XCTAssertEqual(source.pagesRead, 1, "opening reads the header's page only")
        let inMemory = PatientDirectory(snapshot: built)
        let fromPages = PatientDirectory(snapshot: paged)
        let pages = built.bytes.count / DirectoryBytes.pageSize
        XCTAssertEqual(fromPages.search("C-10999").map(\.chartNumber), ["C-10999"])
        XCTAssertLessThan(
            source.pagesRead, pages / 3, "a chart-number search reads a few of the \(pages) pages, not the directory")
        for query in ["jo mu", "jo", "mu jo", "zoe o", "李", "c-1", "C-10999", "ana van der", "x", "", "abc", "siob"] {
            XCTAssertEqual(
                fromPages.search(query).map(\.id), inMemory.search(query).map(\.id), "search \(query)")
            XCTAssertEqual(fromPages.search(query).map(\.id), reference(all, query).map(\.id), "reference \(query)")
        }
        for p in all.prefix(200) { XCTAssertEqual(fromPages.patient(id: p.id), p) }
        XCTAssertEqual(fromPages.patients, inMemory.patients, "every record, read through the cache")
        XCTAssertEqual(paged.bytes, built.bytes)
    }
}

/// Pages from memory, counted, as the store's `pread` source would give them.
final class CountingPages: DirectoryPageSource, @unchecked Sendable {
    let data: Data
    private let lock = NSLock()
    private var reads: [Int] = []
    init(_ data: Data) { self.data = data }
    var count: Int { data.count }
    var pagesRead: Int { lock.withLock { reads.count } }
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        lock.withLock { reads.append(offset / DirectoryBytes.pageSize) }
        guard offset < data.count else { return }
        let n = min(buffer.count, data.count - offset)
        data.copyBytes(to: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n]), from: offset..<offset + n)
    }
}

/// SplitMix64, so the generated directories are the same every run.
struct SplitMixForTests {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
