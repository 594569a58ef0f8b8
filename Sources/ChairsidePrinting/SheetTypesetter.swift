import ChairsideCore
import Foundation

/// Why the typeset sheet could not be made. None of these carry the sheet's text.
public enum TypesetError: Error, Equatable, Sendable, CustomStringConvertible {
    case rendererMissing(command: String)
    case timedOut(seconds: Int)
    case failed(status: Int32)
    case couldNotStart(String)
    case notAPDF

    public var description: String {
        switch self {
        case .rendererMissing(let command):
            "The typeset sheet needs WeasyPrint, and \(command) is not installed here "
                + "(pip install weasyprint, apt-get install fonts-noto-core fonts-noto-cjk; see README)."
        case .timedOut(let seconds):
            "WeasyPrint did not finish the sheet within \(seconds) s; try again."
        case .failed(let status):
            "WeasyPrint could not typeset the sheet (exit status \(status)); if the clinic has its own "
                + "aftercare.html.mustache, check it."
        case .couldNotStart(let why):
            "Could not run WeasyPrint: \(why)."
        case .notAPDF:
            "WeasyPrint answered with something that is not a PDF; check the install (see README)."
        }
    }
}

/// Typesets the aftercare sheet (HTML with print CSS) to a PDF with WeasyPrint, run as a child
/// process with an argv array (never a shell): the page goes in on stdin, the PDF comes back on
/// stdout, nothing is written to disk on the way.
public struct SheetTypesetter: Sendable {
    /// The program to run; found on PATH unless it contains a slash.
    public var command: String
    public var environment: [String: String]
    public var timeoutSeconds: Int
    /// Relative links in a clinic's template (a logo beside config.toml) resolve against this folder.
    public var baseFolder: String?

    public init(
        command: String = "weasyprint", environment: [String: String] = ProcessInfo.processInfo.environment,
        timeoutSeconds: Int = 60, baseFolder: String? = nil
    ) {
        self.command = command
        self.environment = environment
        self.timeoutSeconds = timeoutSeconds
        self.baseFolder = baseFolder
    }

    public func arguments() -> [String] {
        var args = [command, "--quiet", "--encoding", "utf-8"]
        if let baseFolder { args += ["--base-url", baseFolder.hasSuffix("/") ? baseFolder : baseFolder + "/"] }
        return args + ["-", "-"]
    }

    /// The PDF of an HTML page.
    public func pdf(html: String) throws(TypesetError) -> Data {
        let process = ChildProcess(
            arguments: arguments(), environment: environment, timeout: TimeInterval(timeoutSeconds))
        let outcome: ChildProcess.Outcome
        do {
            outcome = try process.run(input: Data(html.utf8))
        } catch {
            switch error {
            case .notFound: throw .rendererMissing(command: command)
            case .timedOut: throw .timedOut(seconds: timeoutSeconds)
            case .couldNotStart(let code): throw .couldNotStart(String(cString: strerror(code)))
            }
        }
        guard outcome.status == 0 else { throw .failed(status: outcome.status) }
        guard outcome.output.starts(with: Data("%PDF".utf8)) else { throw .notAPDF }
        return outcome.output
    }

    /// The session's sheet as a PDF, from the clinic's HTML template when it has a usable one
    /// (else the built-in one, with a warning to pass on).
    public func pdf(_ sheet: AftercareSheet, clinic: Result<AftercareHTMLTemplate, TemplateError>?)
        throws(TypesetError) -> (pdf: Data, warning: String?)
    {
        let page = RenderedHTMLSheet(sheet: sheet, clinic: clinic)
        return (try pdf(html: page.html), page.warning)
    }
}
