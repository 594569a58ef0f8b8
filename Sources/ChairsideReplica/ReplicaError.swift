import Foundation
import PostgresNIO

/// What can stop the replicator, said so the clinic knows what to do. Never holds the password
/// or any patient data: places are a store's journal paths and sequence numbers.
public enum ReplicaError: Error, CustomStringConvertible {
    case notConfigured(configFile: String)
    case noPassword(file: String, url: String)
    case unreachable(url: String, reason: String)
    case server(url: String, reason: String)
    case noStoreID(store: String)
    case anotherReplicator(storeID: String)
    case nothingToRestore(storeID: String?)
    case severalStores([String])
    case brokenReplica(journal: String, seq: Int)

    public var description: String {
        switch self {
        case .notConfigured(let file):
            return "No replica is configured: add [replica] url = \"postgresql://USER@HOST:PORT/DATABASE\" to \(file) "
                + "(see README, Replica)."
        case .noPassword(let file, let url):
            return "No password for \(url) in \(file): add a line HOST:PORT:DATABASE:USER:PASSWORD to that file "
                + "(mode 0600), or name another file with password_file under [replica] or PGPASSFILE."
        case .unreachable(let url, let reason):
            return "Cannot reach the replica at \(url) (\(reason)). Nothing is lost: lines wait in the store and are "
                + "shipped when it is back."
        case .server(let url, let reason):
            return "The replica at \(url) refused: \(reason)."
        case .noStoreID(let store):
            return "The store at \(store) has no store ID yet (it predates the store marker): open it once with "
                + "`chairside` or run `chairside check --store \(store)`, then start the replicator again."
        case .anotherReplicator(let id):
            return "Another replicator is already shipping store \(id) to this database; run only one per store."
        case .nothingToRestore(let id):
            return id.map {
                "The replica holds no lines of store \($0); check --store-id (`chairside restore "
                    + "--from-replica --list` lists the stores it holds)."
            }
                ?? "The replica holds no store yet."
        case .severalStores(let ids):
            return "The replica holds several stores; choose one with --store-id: " + ids.joined(separator: ", ")
        case .brokenReplica(let journal, let seq):
            return "The replica's copy of \(journal) does not chain at line #\(seq); nothing was restored from it."
        }
    }

    /// A driver error in words that hold no secret: the error kind, and the server's message
    /// and SQLSTATE when the server sent one.
    static func reason(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let info = psql.serverInfo {
                let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return (info[.message] ?? "server error") + state
            }
            if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
            return "\(psql.code)"
        }
        if let tx = error as? PostgresTransactionError {
            return reason(tx.closureError ?? tx.commitError ?? tx.beginError ?? tx.rollbackError ?? error)
        }
        return "\(error)"
    }

    static func isConnectionLoss(_ error: any Error) -> Bool {
        if let tx = error as? PostgresTransactionError {
            return isConnectionLoss(tx.closureError ?? tx.commitError ?? tx.beginError ?? tx.rollbackError ?? error)
        }
        guard let psql = error as? PSQLError else { return true }
        if let state = psql.serverInfo?[.sqlState] {
            // Class 08 connection exceptions, 57P01..57P03 admin shutdown / cannot connect now.
            return state.hasPrefix("08") || state.hasPrefix("57P")
        }
        return true
    }
}
