import ChairsideCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads for derived indexes too large to read whole at every start.
extension DurableFiles {
    /// Opens a file to be read a page at a time with `pread` (the patient directory). The file stays
    /// open while the source lives, so a replacement (a rename) never changes what it reads.
    ///
    /// Not a memory map: mapped, a few dozen lookups made almost all of a 5 MB directory resident
    /// (the kernel brings a mapped file in 64 KiB or a page-cache folio at a time; docs/BENCHMARKS.md).
    public func openPages(_ path: String, limit: Int) throws(StoreError) -> any DirectoryPageSource {
        let (fd, size) = try openRegular(path)
        if size > limit {
            close(fd)
            throw .tooLarge(path: display(path), limit: limit)
        }
        return PagedFile(fd: fd, count: size)
    }

    /// The bytes of a file from `offset` to its end (an append-only journal's new tail).
    public func read(_ path: String, from offset: Int, limit: Int) throws(StoreError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | noFollow)
        if fd < 0 { throw fail("open", path) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw fail("inspect", path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw .notAFile(path: display(path), kind: Self.kindName(st.st_mode))
        }
        let size = Int(st.st_size) - offset
        guard size >= 0 else { return Data() }
        if size > limit { throw .tooLarge(path: display(path), limit: limit) }
        return try readFully(fd, count: size, at: offset, path: path)
    }

    /// At most the first `count` bytes of a regular file, and the file's whole size: a file over the
    /// store's size cap is read up to the cap (its intact lines stay readable), never whole.
    public func readPrefix(_ path: String, from offset: Int = 0, count: Int) throws(StoreError) -> (
        data: Data, size: Int
    ) {
        let (fd, fileSize) = try openRegular(path)
        defer { close(fd) }
        let size = max(0, min(fileSize - offset, count))
        return (try readFully(fd, count: size, at: offset, path: path), fileSize)
    }

    /// `count` bytes of an open file from `offset` (fewer if it ends sooner), retrying interrupted reads.
    func readFully(_ fd: Int32, count: Int, at offset: Int, path: String) throws(StoreError) -> Data {
        var data = Data(count: count)
        var total = 0
        while total < count {
            let n = data.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress! + total, count - total, off_t(offset + total))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("read", path)
            }
            if n == 0 { break }
            total += n
        }
        if total < count { data.removeSubrange(total...) }
        return data
    }
}

/// An open file read at offsets; closed when the last directory reading it goes.
final class PagedFile: DirectoryPageSource, @unchecked Sendable {
    let fd: Int32
    let count: Int

    init(fd: Int32, count: Int) {
        self.fd = fd
        self.count = count
    }

    deinit { close(fd) }

    /// Short reads and errors leave zeros (the buffer comes zeroed): the directory then reads wrong
    /// text, which `check` repairs, rather than failing a search in the treatment room.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        var done = 0
        while done < buffer.count, offset + done < count {
            let n = pread(
                fd, buffer.baseAddress! + done, min(buffer.count - done, count - offset - done),
                off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            done += n
        }
    }
}
