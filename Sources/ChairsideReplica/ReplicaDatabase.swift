import ChairsideCore
import ChairsideStore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// One connection to the replica database and the statements the replicator runs on it.
/// Every query is parameterised; no line's bytes ever reach a log.
public final class ReplicaDatabase: @unchecked Sendable {
    public static let channel = "chairside_lines"

    public let settings: ReplicaSettings
    let connection: PostgresConnection
    let logger: Logger

    private init(settings: ReplicaSettings, connection: PostgresConnection, logger: Logger) {
        self.settings = settings
        self.connection = connection
        self.logger = logger
    }

    /// Connects (password from the passfile), applies pending migrations and bounds how long a
    /// statement or an idle transaction may take, so the pulls' look-back window always holds.
    public static func connect(_ settings: ReplicaSettings, logger: Logger) async throws -> ReplicaDatabase {
        let password = try PassFile.password(for: settings)
        var config = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: password,
            database: settings.database, tls: .disable)
        config.options.connectTimeout = .seconds(5)
        // The driver's own log stays quiet: only our messages, which hold no secret and no patient data.
        var driverLog = Logger(label: "chairside.replica.driver")
        driverLog.logLevel = .critical
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: config, id: 1, logger: driverLog)
        } catch {
            throw ReplicaError.unreachable(url: settings.displayURL, reason: ReplicaError.reason(error))
        }
        let db = ReplicaDatabase(settings: settings, connection: connection, logger: driverLog)
        do {
            try await connection.query("SET statement_timeout = '5s'", logger: driverLog)
            try await connection.query("SET idle_in_transaction_session_timeout = '5s'", logger: driverLog)
            try await db.migrate()
        } catch let error as ReplicaError {
            try? await connection.close()
            throw error
        } catch {
            try? await connection.close()
            throw db.failure(error)
        }
        return db
    }

    public func close() async { try? await connection.close() }

    /// Runs a database operation with a deadline. A network cut (or a server going away at the
    /// wrong moment) can leave an operation that never answers and never fails; past the deadline
    /// the connection is closed, the operation is abandoned (never awaited) and the replica counts
    /// as unreachable, so the status says so and the loop reconnects on a fresh connection.
    func deadline<T: Sendable>(_ limit: Duration = .seconds(10), _ operation: @escaping @Sendable () async throws -> T)
        async throws -> T
    {
        let once = ResumeOnce<T>()
        let url = settings.displayURL
        let connection = connection
        return try await withCheckedThrowingContinuation { continuation in
            once.set(continuation)
            let work = Task {
                do { once.resume(.success(try await operation())) } catch { once.resume(.failure(error)) }
            }
            Task {
                try? await Task.sleep(for: limit)
                if once.resume(.failure(ReplicaError.unreachable(url: url, reason: "no answer within \(limit)"))) {
                    work.cancel()
                    let closing: EventLoopFuture<Void> = connection.close()
                    _ = closing
                }
            }
        }
    }

    func failure(_ error: any Error) -> ReplicaError {
        ReplicaError.isConnectionLoss(error)
            ? .unreachable(url: settings.displayURL, reason: ReplicaError.reason(error))
            : .server(url: settings.displayURL, reason: ReplicaError.reason(error))
    }

    /// Applies the migrations not yet applied, each in its own transaction, under an advisory lock
    /// so replicators of several rooms starting at once migrate once.
    func migrate() async throws {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS chairside_schema (
                version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
        for migration in ReplicaMigrations.all {
            try await connection.withTransaction(logger: logger) { conn in
                try await conn.query("SELECT pg_advisory_xact_lock(180018)", logger: logger)
                let rows = try await conn.query(
                    "SELECT count(*) FROM chairside_schema WHERE version = \(migration.version)", logger: logger)
                var applied = 0
                for try await count in rows.decode(Int.self) { applied = count }
                guard applied == 0 else { return }
                for statement in Self.statements(migration.sql) {
                    try await conn.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await conn.query(
                    """
                    INSERT INTO chairside_schema (version, name) VALUES (\(migration.version), \(migration.name))
                    """, logger: logger)
            }
        }
    }

    /// A migration file's statements (each ends with `;` at the end of a line; `--` comments dropped).
    static func statements(_ sql: String) -> [String] {
        var out: [String] = []
        var current = ""
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("--") || trimmed.isEmpty { continue }
            current += line + "\n"
            if trimmed.hasSuffix(";") {
                out.append(current)
                current = ""
            }
        }
        if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { out.append(current) }
        return out
    }

    /// Holds the store's advisory lock for this session: one replicator per store.
    func lockStore(_ storeID: String) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT pg_try_advisory_lock(hashtext('chairside-store:' || \(storeID)))", logger: logger)
        for try await got in rows.decode(Bool.self) { return got }
        return false
    }

    /// The (journal, seq) → hash of every line the replica holds for the store: the shipped
    /// watermark, rebuilt from the database.
    public func shippedHashes(storeID: String) async throws -> [String: [Int: String]] {
        try await deadline { try await self.shippedHashesNow(storeID: storeID) }
    }

    private func shippedHashesNow(storeID: String) async throws -> [String: [Int: String]] {
        let rows = try await connection.query(
            "SELECT journal, seq, hash FROM chairside_lines WHERE store_id = \(storeID)", logger: logger)
        var out: [String: [Int: String]] = [:]
        for try await (journal, seq, hash) in rows.decode((String, Int, String).self) {
            out[journal, default: [:]][seq] = hash
        }
        return out
    }

    public struct Conflict: Sendable, Equatable {
        public var journal: String
        public var seq: Int
        public var localHash: String
        public var replicaHash: String
    }

    /// Inserts lines in one transaction; a line already there with the same hash is a no-op, one
    /// with a different hash is a conflict: recorded in chairside_divergences, never overwritten.
    /// Notifies the pullers (a hint: they re-read from their watermark anyway).
    public func insert(storeID: String, lines: [(journal: String, line: StoredLine)]) async throws -> [Conflict] {
        let items = lines.map { Item(journal: $0.journal, line: $0.line) }
        return try await deadline {
            try await self.insertNow(storeID: storeID, lines: items.map { ($0.journal, $0.line) })
        }
    }

    struct Item: Sendable {
        var journal: String
        var line: StoredLine
    }

    private func insertNow(storeID: String, lines: [(journal: String, line: StoredLine)]) async throws -> [Conflict] {
        guard !lines.isEmpty else { return [] }
        let journals = lines.map(\.journal)
        let seqs = lines.map { $0.line.seq }
        let hashes = lines.map { $0.line.hash }
        let bytes = lines.map { ByteBuffer(bytes: $0.line.bytes) }
        let storeID = storeID
        let logger = logger
        return try await connection.withTransaction(logger: logger) { conn in
            let inserted = try await conn.query(
                """
                INSERT INTO chairside_lines (store_id, journal, seq, hash, bytes)
                SELECT \(storeID), j, s, h, b
                FROM unnest(\(journals)::text[], \(seqs)::int8[], \(hashes)::text[], \(bytes)::bytea[]) AS t(j, s, h, b)
                ON CONFLICT (store_id, journal, seq) DO NOTHING
                RETURNING journal, seq
                """, logger: logger)
            var done = Set<String>()
            for try await (journal, seq) in inserted.decode((String, Int).self) { done.insert("\(journal)#\(seq)") }
            var conflicts: [Conflict] = []
            let existing = lines.filter { !done.contains("\($0.journal)#\($0.line.seq)") }
            if !existing.isEmpty {
                let rows = try await conn.query(
                    """
                    SELECT journal, seq, hash FROM chairside_lines
                    WHERE store_id = \(storeID) AND (journal, seq) IN (
                        SELECT * FROM unnest(\(existing.map(\.journal))::text[], \(existing.map { $0.line.seq })::int8[]))
                    """, logger: logger)
                var theirs: [String: String] = [:]
                for try await (journal, seq, hash) in rows.decode((String, Int, String).self) {
                    theirs["\(journal)#\(seq)"] = hash
                }
                for item in existing {
                    if let replica = theirs["\(item.journal)#\(item.line.seq)"], replica != item.line.hash {
                        conflicts.append(
                            Conflict(
                                journal: item.journal, seq: item.line.seq, localHash: item.line.hash,
                                replicaHash: replica))
                    }
                }
                for c in conflicts {
                    try await conn.query(
                        """
                        INSERT INTO chairside_divergences (store_id, journal, seq, local_hash, replica_hash)
                        VALUES (\(storeID), \(c.journal), \(c.seq), \(c.localHash), \(c.replicaHash))
                        ON CONFLICT DO NOTHING
                        """, logger: logger)
                }
            }
            if !done.isEmpty {
                try await conn.query("SELECT pg_notify('chairside_lines', \(storeID))", logger: logger)
            }
            return conflicts
        }
    }

    /// Records divergences found by comparing local lines with the watermark (never overwriting a line).
    func record(storeID: String, divergences: [Conflict]) async throws {
        guard !divergences.isEmpty else { return }
        try await deadline {
            for c in divergences {
                try await self.connection.query(
                    """
                    INSERT INTO chairside_divergences (store_id, journal, seq, local_hash, replica_hash)
                    VALUES (\(storeID), \(c.journal), \(c.seq), \(c.localHash), \(c.replicaHash))
                    ON CONFLICT DO NOTHING
                    """, logger: self.logger)
            }
        }
    }

    /// The store IDs the replica holds.
    public func storeIDs() async throws -> [String] {
        try await deadline { try await self.storeIDsNow() }
    }

    private func storeIDsNow() async throws -> [String] {
        let rows = try await connection.query(
            "SELECT DISTINCT store_id FROM chairside_lines ORDER BY 1", logger: logger)
        var out: [String] = []
        for try await id in rows.decode(String.self) { out.append(id) }
        return out
    }

    /// Every line of a store (or of one journal), ordered by journal and sequence number.
    public func lines(storeID: String, journal: String? = nil) async throws -> [(journal: String, line: StoredLine)] {
        // A whole store can take a while: a longer deadline than the shipping's.
        try await deadline(.seconds(300)) {
            try await self.linesNow(storeID: storeID, journal: journal).map { Item(journal: $0.journal, line: $0.line) }
        }
        .map { ($0.journal, $0.line) }
    }

    private func linesNow(storeID: String, journal: String?) async throws -> [(journal: String, line: StoredLine)] {
        let rows: PostgresQuery =
            journal.map { j in
                "SELECT journal, seq, hash, bytes FROM chairside_lines WHERE store_id = \(storeID) AND journal = \(j) ORDER BY seq"
            }
            ?? "SELECT journal, seq, hash, bytes FROM chairside_lines WHERE store_id = \(storeID) ORDER BY journal, seq"
        let result = try await connection.query(rows, logger: logger)
        var out: [(journal: String, line: StoredLine)] = []
        for try await (journal, seq, hash, bytes) in result.decode((String, Int, String, ByteBuffer).self) {
            out.append((journal, StoredLine(seq: seq, bytes: Data(buffer: bytes), hash: hash)))
        }
        return out
    }

    /// One line of a store, if the replica has it.
    public func line(storeID: String, journal: String, seq: Int) async throws -> StoredLine? {
        try await deadline { try await self.lineNow(storeID: storeID, journal: journal, seq: seq) }
    }

    private func lineNow(storeID: String, journal: String, seq: Int) async throws -> StoredLine? {
        let rows = try await connection.query(
            """
            SELECT hash, bytes FROM chairside_lines WHERE store_id = \(storeID) AND journal = \(journal) AND seq = \(seq)
            """, logger: logger)
        for try await (hash, bytes) in rows.decode((String, ByteBuffer).self) {
            return StoredLine(seq: seq, bytes: Data(buffer: bytes), hash: hash)
        }
        return nil
    }

    public struct PulledLine: Sendable {
        public var id: Int
        public var storeID: String
        public var journal: String
        public var line: StoredLine
    }

    /// The other stores' lines that arrived after `after` and, with `lookBack` > 0, those shipped in
    /// the last `lookBack` seconds too (a transaction that committed late can hold a lower id than
    /// one already read; statements and idle transactions are cut at 5 s, so 30 s covers them).
    /// In arrival order.
    public func pull(except storeID: String, after: Int, lookBack: Int = 0, limit: Int = 20_000) async throws
        -> [PulledLine]
    {
        try await deadline { try await self.pullNow(except: storeID, after: after, lookBack: lookBack, limit: limit) }
    }

    private func pullNow(except storeID: String, after: Int, lookBack: Int, limit: Int) async throws -> [PulledLine] {
        let rows = try await connection.query(
            lookBack <= 0
                ? """
                SELECT id, store_id, journal, seq, hash, bytes FROM chairside_lines
                WHERE store_id <> \(storeID) AND id > \(after) ORDER BY id LIMIT \(limit)
                """
                : """
                SELECT id, store_id, journal, seq, hash, bytes FROM chairside_lines
                WHERE store_id <> \(storeID) AND id > \(after)
                UNION
                SELECT id, store_id, journal, seq, hash, bytes FROM chairside_lines
                WHERE store_id <> \(storeID) AND shipped_at > now() - make_interval(secs => \(Double(lookBack)))
                ORDER BY 1 LIMIT \(limit)
                """, logger: logger)
        var out: [PulledLine] = []
        for try await (id, store, journal, seq, hash, bytes) in rows.decode(
            (Int, String, String, Int, String, ByteBuffer).self)
        {
            out.append(
                PulledLine(
                    id: id, storeID: store, journal: journal,
                    line: StoredLine(seq: seq, bytes: Data(buffer: bytes), hash: hash)))
        }
        return out
    }

    /// Waits up to `timeout` for a notification that lines arrived (a hint only).
    public func listen(timeout: Duration) async throws {
        try await deadline(timeout + .seconds(15)) { try await self.listenNow(timeout: timeout) }
    }

    private func listenNow(timeout: Duration) async throws {
        try await connection.listen(on: Self.channel) { notifications in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await _ in notifications { return }
                }
                group.addTask { try await Task.sleep(for: timeout) }
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }
}

/// A continuation resumed once, by whichever comes first: the operation or its deadline.
final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var result: Result<T, any Error>?

    func set(_ c: CheckedContinuation<T, any Error>) {
        lock.withLock {
            if let result { c.resume(with: result) } else { continuation = c }
        }
    }

    /// True when this call resumed it.
    @discardableResult
    func resume(_ r: Result<T, any Error>) -> Bool {
        lock.withLock {
            guard result == nil else { return false }
            result = r
            continuation?.resume(with: r)
            continuation = nil
            return true
        }
    }
}
