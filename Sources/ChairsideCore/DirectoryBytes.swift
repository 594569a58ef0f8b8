import Foundation

/// Where a file-backed `CompactDirectory` gets its bytes: the store reads them from
/// `patients/directory.bin` with `pread` (this module does no I/O). Bytes past the end, or that
/// could not be read, come back as zeros: the directory then reads wrong text, never out of bounds.
public protocol DirectoryPageSource: Sendable {
    /// The file's length when it was opened.
    var count: Int { get }
    /// Fills `buffer` with the bytes from `offset` on.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int)
}

/// The bytes of a directory: a buffer in memory (one just built), or a file read a page at a time
/// into a small cache of its own.
///
/// Why not a memory map: on this kernel a mapped file's pages arrive in the process 64 KiB or a
/// whole page-cache folio at a time, so a few dozen lookups made almost all of a 5 MB directory
/// resident (docs/BENCHMARKS.md). Read a page at a time, the directory costs at most the cache.
public final class DirectoryBytes: @unchecked Sendable {
    public static let pageSize = 4096
    /// 128 pages: 512 KiB, more than a search touches (two binary searches over the word index and
    /// the records of 50 hits), so a search reads each page once.
    public static let cachePages = 128

    public let count: Int
    private let memory: Data?
    private let source: (any DirectoryPageSource)?
    /// Guards the cache: every read of one lookup happens under one lock.
    private let lock = NSLock()
    private var cache: PageCache?

    public init(_ data: Data) {
        count = data.count
        memory = data
        source = nil
    }

    public init(source: any DirectoryPageSource) {
        count = source.count
        memory = nil
        self.source = source
    }

    /// Every byte, in memory (to write a snapshot out, or compare one).
    public var data: Data {
        if let memory { return memory }
        return with { reader in Data(reader.bytes(0..<count)) }
    }

    /// Runs `body` with a reader valid only inside it.
    func with<R>(_ body: (Reader) -> R) -> R {
        if let memory {
            return memory.withUnsafeBytes { raw in body(Reader(memory: raw, cache: nil, count: count)) }
        }
        return lock.withLock {
            if cache == nil, let source { cache = PageCache(source: source) }
            return body(Reader(memory: nil, cache: cache, count: count))
        }
    }

    /// Reads bytes by offset. Offsets outside the buffer read as zeros.
    struct Reader {
        let memory: UnsafeRawBufferPointer?
        let cache: PageCache?
        let count: Int

        func byte(_ at: Int) -> UInt8 {
            guard at >= 0, at < count else { return 0 }
            if let memory { return memory[at] }
            return cache!.byte(at)
        }

        func u32(_ at: Int) -> UInt32 {
            guard at >= 0, at + 4 <= count else { return 0 }
            if let memory { return UInt32(littleEndian: memory.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
            let b = bytes(at..<at + 4)
            return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
        }

        func u64(_ at: Int) -> UInt64 {
            UInt64(u32(at)) | UInt64(u32(at + 4)) << 32
        }

        /// A copy of `range` (clamped to the buffer).
        func bytes(_ range: Range<Int>) -> [UInt8] {
            let range = range.clamped(to: 0..<count)
            if let memory { return Array(memory[range]) }
            return cache!.bytes(range)
        }

        func string(_ range: Range<Int>) -> String { withBytes(range) { String(decoding: $0, as: UTF8.self) } }

        /// Runs `body` on the bytes of `range` (clamped) without copying them when they lie in one
        /// page. `body` must not read through this reader: a page it reads could evict these bytes.
        func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            let range = range.clamped(to: 0..<count)
            if let memory {
                return body(UnsafeBufferPointer(rebasing: memory.assumingMemoryBound(to: UInt8.self)[range]))
            }
            if let inPage = cache!.pointer(range) { return body(inPage) }
            return bytes(range).withUnsafeBufferPointer(body)
        }
    }

    /// The pages read so far, at most `cachePages`; the oldest goes when a new one is needed.
    final class PageCache {
        let source: any DirectoryPageSource
        private let storage: UnsafeMutableRawBufferPointer
        private var slotOfPage: [Int: Int] = [:]
        private var pageOfSlot: [Int]
        private var next = 0

        init(source: any DirectoryPageSource) {
            self.source = source
            // Not touched here: a slot's memory becomes resident when a page is first read into it.
            storage = .allocate(byteCount: DirectoryBytes.cachePages * DirectoryBytes.pageSize, alignment: 4096)
            pageOfSlot = [Int](repeating: -1, count: DirectoryBytes.cachePages)
        }

        deinit { storage.deallocate() }

        /// The cache slot holding `page`, reading it first if needed.
        private func slot(_ page: Int) -> Int {
            if let s = slotOfPage[page] { return s }
            let s = next
            next = (next + 1) % pageOfSlot.count
            if pageOfSlot[s] >= 0 { slotOfPage[pageOfSlot[s]] = nil }
            pageOfSlot[s] = page
            slotOfPage[page] = s
            let size = DirectoryBytes.pageSize
            let buffer = UnsafeMutableRawBufferPointer(rebasing: storage[s * size..<(s + 1) * size])
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            source.read(into: buffer, at: page * size)
            return s
        }

        func byte(_ at: Int) -> UInt8 {
            let size = DirectoryBytes.pageSize
            return storage[slot(at / size) * size + at % size]
        }

        func bytes(_ range: Range<Int>) -> [UInt8] {
            let size = DirectoryBytes.pageSize
            var out: [UInt8] = []
            out.reserveCapacity(range.count)
            var at = range.lowerBound
            while at < range.upperBound {
                let start = slot(at / size) * size + at % size
                let n = min(range.upperBound - at, size - at % size)
                out += storage[start..<start + n]
                at += n
            }
            return out
        }

        /// The bytes of `range` in place, when it lies within one page.
        func pointer(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8>? {
            let size = DirectoryBytes.pageSize
            guard !range.isEmpty, range.lowerBound / size == (range.upperBound - 1) / size else { return nil }
            let start = slot(range.lowerBound / size) * size + range.lowerBound % size
            return UnsafeBufferPointer(
                rebasing: storage.assumingMemoryBound(to: UInt8.self)[start..<start + range.count])
        }
    }
}
