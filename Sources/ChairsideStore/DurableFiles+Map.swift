import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads for derived indexes too large to read whole at every start.
extension DurableFiles {
    /// Maps a file for reading: its pages are read when touched, and stay valid after the file is
    /// replaced (replacements are renames, so the mapped inode never changes under us).
    ///
    /// The mapping is private and writable on purpose: `Data` believes it owns the bytes, and a
    /// uniquely referenced `Data` is mutated in place; on a read-only mapping that write would be
    /// a segmentation fault. Written pages are copied (never reach the file).
    public func map(_ path: String, limit: Int) throws(StoreError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | noFollow)
        if fd < 0 { throw fail("open", path) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw fail("inspect", path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw .notAFile(path: display(path), kind: Self.kindName(st.st_mode))
        }
        let size = Int(st.st_size)
        if size > limit { throw .tooLarge(path: display(path), limit: limit) }
        if size == 0 { return Data() }
        guard let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw fail("map", path)
        }
        return Data(bytesNoCopy: base, count: size, deallocator: .custom { pointer, count in munmap(pointer, count) })
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
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | noFollow)
        if fd < 0 {
            if errno == ELOOP || errno == ENXIO, let kind = kind(path), kind != "file" {
                throw .notAFile(path: display(path), kind: kind)
            }
            throw fail("open", path)
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw fail("inspect", path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw .notAFile(path: display(path), kind: Self.kindName(st.st_mode))
        }
        let size = max(0, min(Int(st.st_size) - offset, count))
        return (try readFully(fd, count: size, at: offset, path: path), Int(st.st_size))
    }

    /// `count` bytes of an open file from `offset` (fewer if it ends sooner), retrying interrupted reads.
    private func readFully(_ fd: Int32, count: Int, at offset: Int, path: String) throws(StoreError) -> Data {
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
