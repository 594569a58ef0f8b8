import ChairsideCore
import Foundation

/// The clinic's own aftercare template (`aftercare.mustache` beside config.toml) and saved sheets.
public enum AftercareTemplateFile {
    public static let name = "aftercare.mustache"
    public static let maxBytes = 1_048_576

    public static func path(besideConfig configPath: String) -> String {
        (configPath as NSString).deletingLastPathComponent + "/" + name
    }

    /// nil when the clinic has no template; otherwise the template or why it cannot be used.
    public static func load(path: String) -> Result<AftercareTemplate, TemplateError>? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            data = try DurableFiles(root: "").read(path, limit: maxBytes)
        } catch {
            return .failure(TemplateError(file: path, line: 0, message: "\(error)"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(TemplateError(file: path, line: 0, message: "is not UTF-8 text; save it as UTF-8"))
        }
        do {
            return .success(try AftercareTemplate(text: text, file: path))
        } catch {
            return .failure(error)
        }
    }
}

extension Store {
    /// Where a session's sheet is saved unless the technician names another file: inside the
    /// store (0700), named by session ID so the file name carries no patient data.
    public func defaultAftercarePath(sessionID: String) -> String {
        "\(root)/aftercare/\(sessionID).txt"
    }

    /// Writes a sheet durably (temp file, fsync, rename), 0600. The folder is created when it is the store's own.
    /// Only the session's own sheet in the store (its default name) is ever replaced; any other existing
    /// file, and anything that is not a regular file, is refused untouched.
    public func saveAftercare(_ text: String, to path: String, sessionID: String? = nil) throws(StoreError) {
        try saveAftercare(Data(text.utf8), to: path, sessionID: sessionID)
    }
}

/// The clinic's own typeset sheet (`aftercare.html.mustache` beside config.toml).
public enum AftercareHTMLTemplateFile {
    public static let name = "aftercare.html.mustache"

    public static func path(besideConfig configPath: String) -> String {
        (configPath as NSString).deletingLastPathComponent + "/" + name
    }

    /// nil when the clinic has no HTML template; otherwise the template or why it cannot be used.
    public static func load(path: String) -> Result<AftercareHTMLTemplate, TemplateError>? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            data = try DurableFiles(root: "").read(path, limit: AftercareTemplateFile.maxBytes)
        } catch {
            return .failure(TemplateError(file: path, line: 0, message: "\(error)"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(TemplateError(file: path, line: 0, message: "is not UTF-8 text; save it as UTF-8"))
        }
        do {
            return .success(try AftercareHTMLTemplate(text: text, file: path))
        } catch {
            return .failure(error)
        }
    }
}

extension Store {
    /// Where a session's typeset sheet is saved unless another file is named.
    public func defaultAftercarePDFPath(sessionID: String) -> String {
        "\(root)/aftercare/\(sessionID).pdf"
    }

    /// Writes a typeset sheet (or any bytes) durably, 0600, like the text one.
    public func saveAftercare(_ document: Data, to path: String, sessionID: String? = nil) throws(StoreError) {
        let folder = (path as NSString).deletingLastPathComponent
        if folder == "\(root)/aftercare" { try files.makeDirectory(folder) }
        let own = sessionID.map {
            [defaultAftercarePath(sessionID: $0), defaultAftercarePDFPath(sessionID: $0)].contains(path)
        }
        try writeOutput(document, to: path, mayReplace: own ?? false)
    }

    /// A file the user named for output. Never replaces what is not a regular file (a device, a link,
    /// a folder), and never an existing file unless `mayReplace`.
    func writeOutput(_ data: Data, to path: String, mayReplace: Bool) throws(StoreError) {
        var info = stat()
        if lstat(path, &info) == 0 {
            let type = info.st_mode & S_IFMT
            guard type == S_IFREG else {
                let kind =
                    switch type {
                    case S_IFDIR: "a folder"
                    case S_IFLNK: "a symbolic link"
                    case S_IFCHR, S_IFBLK: "a device"
                    default: "not a regular file"
                    }
                throw .outputExists(path: path, kind: kind)
            }
            guard mayReplace else { throw .outputExists(path: path, kind: "a file") }
        }
        try files.replace(path, with: data)
    }
}
