import ChairsideCore
import Foundation

/// What the replicator last found, kept in the store (`replica/status.json`) so the console can
/// show the replica's state without ever connecting to the database (issue 18).
///
/// The replicator rewrites it durably when the state changes, and at least once a minute while it
/// runs (`checkedAt`); a status older than `staleAfter` means the replicator is not running.
public struct ReplicaStatus: Codable, Equatable, Sendable {
    public enum State: String, Codable, Sendable {
        /// Every acknowledged line is in the database.
        case upToDate
        /// Lines are being shipped: `waiting` of them are not in the database yet.
        case shipping
        /// The database cannot be reached since `since`; `waiting` lines wait for it.
        case unreachable
        /// Local lines differ from the replica's copy under the same key (`divergent` of them).
        case divergent
    }

    public static let relativePath = "replica/status.json"
    /// Twice the longest interval between two writes by a running replicator.
    public static let staleAfter: TimeInterval = 150

    public var state: State
    public var waiting: Int
    public var divergent: Int
    /// When the current state began (for "unreachable since").
    public var since: Date
    /// When the replicator last looked (it rewrites the file at least every minute).
    public var checkedAt: Date

    public init(state: State, waiting: Int, divergent: Int, since: Date, checkedAt: Date) {
        self.state = state
        self.waiting = waiting
        self.divergent = divergent
        self.since = since
        self.checkedAt = checkedAt
    }

    /// The status in the store at `root`; nil when there is none (no replicator ever ran: "not configured").
    public static func read(root: String) -> ReplicaStatus? {
        let files = DurableFiles(root: root)
        guard files.kind(root + "/" + relativePath) == "file",
            let data = try? files.read(root + "/" + relativePath, limit: 65_536)
        else { return nil }
        return try? JSONCoding.decoder().decode(ReplicaStatus.self, from: data)
    }

    public static func read(_ store: Store) -> ReplicaStatus? { read(root: store.root) }

    /// Written durably (temp file, fsync, rename, fsync of the folder).
    public func write(root: String) throws(StoreError) {
        let files = DurableFiles(root: root)
        try files.makeDirectory(root + "/replica")
        let data = (try? JSONCoding.encoder().encode(self)) ?? Data()
        try files.replace(root + "/" + Self.relativePath, with: data)
    }

    /// The words for the console's header, e.g. "replica: up to date", "replica: 12 events waiting",
    /// "replica: unreachable since 14:02", "replica: not configured", "replica: stopped since 14:02".
    public static func headerText(_ status: ReplicaStatus?, now: Date, timeZone: TimeZone) -> String {
        guard let status else { return "replica: not configured" }
        let clock: (Date) -> String = { date in
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = timeZone
            let c = cal.dateComponents([.hour, .minute], from: date)
            return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
        }
        if now.timeIntervalSince(status.checkedAt) > staleAfter {
            return "replica: stopped since \(clock(status.checkedAt))"
        }
        switch status.state {
        case .upToDate: return "replica: up to date"
        case .shipping: return "replica: \(status.waiting) event\(status.waiting == 1 ? "" : "s") waiting"
        case .unreachable: return "replica: unreachable since \(clock(status.since))"
        case .divergent:
            return
                "replica: \(status.divergent) line\(status.divergent == 1 ? " differs" : "s differ") from the replica"
        }
    }
}
