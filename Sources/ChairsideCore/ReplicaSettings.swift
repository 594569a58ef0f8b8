import Foundation

/// `[replica]` in config.toml: where the clinic's PostgreSQL replica is (issue 18).
///
///     [replica]
///     url = "postgresql://chairside@db.clinic.lan:5432/chairside"
///     password_file = "/etc/chairside/replica.pass"   # optional; else PGPASSFILE, else ~/.pgpass
///
/// The URL never carries the password: a password in the URL would end up in process lists,
/// shell history and backups of the config, so it is refused.
public struct ReplicaSettings: Codable, Equatable, Sendable {
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var passwordFile: String?

    public init(host: String, port: Int, user: String, database: String, passwordFile: String? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.passwordFile = passwordFile
    }

    /// The URL without any secret, for messages and logs.
    public var displayURL: String { "postgresql://\(user)@\(host):\(port)/\(database)" }

    /// Parses `postgresql://user@host[:port]/database`; the error says what to write instead.
    public static func parse(url: String) -> Result<ReplicaSettings, ReplicaURLError> {
        let schemes = ["postgresql://", "postgres://"]
        guard let scheme = schemes.first(where: { url.hasPrefix($0) }) else { return .failure(.notPostgres) }
        let rest = url.dropFirst(scheme.count)
        guard let at = rest.lastIndex(of: "@") else { return .failure(.noUser) }
        let userPart = rest[..<at]
        if userPart.contains(":") { return .failure(.passwordInURL) }
        let hostAndDB = rest[rest.index(after: at)...]
        guard let slash = hostAndDB.firstIndex(of: "/") else { return .failure(.noDatabase) }
        let hostPort = hostAndDB[..<slash]
        var database = String(hostAndDB[hostAndDB.index(after: slash)...])
        if let q = database.firstIndex(of: "?") { database = String(database[..<q]) }
        guard !userPart.isEmpty else { return .failure(.noUser) }
        guard !database.isEmpty, !database.contains("/") else { return .failure(.noDatabase) }
        var host = String(hostPort)
        var port = 5432
        if let colon = hostPort.lastIndex(of: ":") {
            guard let p = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(p) else {
                return .failure(.badPort)
            }
            port = p
            host = String(hostPort[..<colon])
        }
        guard !host.isEmpty else { return .failure(.noHost) }
        let user = String(userPart).removingPercentEncoding ?? String(userPart)
        return .success(ReplicaSettings(host: host, port: port, user: user, database: database))
    }
}

public enum ReplicaURLError: Error, Equatable, Sendable, CustomStringConvertible {
    case notPostgres, noUser, noHost, noDatabase, badPort, passwordInURL

    public var description: String {
        let form = "write it as postgresql://USER@HOST:PORT/DATABASE"
        switch self {
        case .notPostgres: return "is not a postgresql:// URL; \(form)"
        case .noUser: return "names no user; \(form)"
        case .noHost: return "names no host; \(form)"
        case .noDatabase: return "names no database; \(form)"
        case .badPort: return "has a port that is not a number from 1 to 65535; \(form)"
        case .passwordInURL:
            return "must not hold the password (it would show in process lists and logs): remove it from the URL "
                + "and put it in a password file (password_file = \"…\", or PGPASSFILE), one line host:port:database:user:password"
        }
    }
}
