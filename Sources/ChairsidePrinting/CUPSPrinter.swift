import ChairsideCore
import Foundation

/// A print job CUPS accepted.
public struct PrintJob: Equatable, Sendable {
    /// The queue the job went to, as CUPS names it.
    public var printer: String
    /// What `lp` answered, e.g. "front-desk-42".
    public var jobID: String

    public init(printer: String, jobID: String) {
        self.printer = printer
        self.jobID = jobID
    }
}

/// Why a sheet did not print, in words for the status line. None of these carry the sheet's text.
public enum PrintError: Error, Equatable, Sendable, CustomStringConvertible {
    case cupsMissing
    case refused(String)
    case timedOut(seconds: Int)
    case couldNotStart(String)
    case unexpectedAnswer(String)

    public var description: String {
        switch self {
        case .cupsMissing:
            "CUPS is not installed here (no lp command). Save the sheet to a file or hand a pre-printed one."
        case .refused(let message):
            "CUPS refused the job: \(message). Check the printer (clinic.printer in the config, or --printer), then print again."
        case .timedOut(let seconds):
            "The print server did not answer within \(seconds) s. Check that CUPS is running, then print again."
        case .couldNotStart(let why):
            "Could not run lp: \(why)."
        case .unexpectedAnswer(let text):
            "lp answered without a job id (\(text)); check the printer's queue before printing again."
        }
    }
}

/// Prints the aftercare sheet through CUPS's `lp`: the typeset PDF, or plain text with the page set up
/// for A4 or Letter.
/// Arguments go to `lp` as an argv array; nothing passes through a shell.
public struct CUPSPrinter: Sendable {
    /// The program to run; found on PATH unless it contains a slash.
    public var command: String
    public var environment: [String: String]
    public var timeoutSeconds: Int

    public init(
        command: String = "lp", environment: [String: String] = ProcessInfo.processInfo.environment,
        timeoutSeconds: Int = 20
    ) {
        self.command = command
        self.environment = environment
        self.timeoutSeconds = timeoutSeconds
    }

    /// The job title CUPS shows in its queue and logs: deliberately not the patient's name.
    public static let jobTitle = "Chairside aftercare"

    /// The argv for one sheet. `printer` nil means the system's default destination.
    public func arguments(printer: String?, paper: Paper) -> [String] {
        var args = [command]
        if let printer, !printer.isEmpty { args += ["-d", printer] }
        args += ["-t", Self.jobTitle]
        let margin = "\(AftercareLayout.marginPoints)"
        for option in [
            "media=\(paper.media)", "document-format=text/plain",
            "cpi=\(AftercareLayout.charactersPerInch)", "lpi=\(AftercareLayout.linesPerInch)",
            "page-left=\(margin)", "page-right=\(margin)", "page-top=\(margin)", "page-bottom=\(margin)",
        ] {
            args += ["-o", option]
        }
        return args
    }

    /// The argv for a typeset (PDF) sheet: the page size is in the PDF, the media tells CUPS which tray.
    public func pdfArguments(printer: String?, paper: Paper) -> [String] {
        var args = [command]
        if let printer, !printer.isEmpty { args += ["-d", printer] }
        args += ["-t", Self.jobTitle, "-o", "media=\(paper.media)", "-o", "document-format=application/pdf"]
        return args
    }

    /// Prints the plain-text sheet (CUPS's text filter lays it out at 12 cpi).
    public func print(_ text: String, printer: String?, paper: Paper) throws(PrintError) -> PrintJob {
        try submit(Data(text.utf8), arguments: arguments(printer: printer, paper: paper))
    }

    /// Prints the typeset sheet (`SheetTypesetter.pdf`), a PDF, as it is.
    public func printPDF(_ pdf: Data, printer: String?, paper: Paper) throws(PrintError) -> PrintJob {
        try submit(pdf, arguments: pdfArguments(printer: printer, paper: paper))
    }

    func submit(_ document: Data, arguments: [String]) throws(PrintError) -> PrintJob {
        let process = ChildProcess(
            arguments: arguments, environment: environment,
            timeout: TimeInterval(timeoutSeconds))
        let outcome: ChildProcess.Outcome
        do {
            outcome = try process.run(input: document)
        } catch {
            switch error {
            case .notFound: throw .cupsMissing
            case .timedOut: throw .timedOut(seconds: timeoutSeconds)
            case .couldNotStart(let code): throw .couldNotStart(String(cString: strerror(code)))
            }
        }
        guard outcome.status == 0 else {
            throw .refused(
                Self.oneLine(outcome.stderr.isEmpty ? "lp exited with status \(outcome.status)" : outcome.stderr))
        }
        guard let jobID = Self.jobID(in: outcome.stdout) else { throw .unexpectedAnswer(Self.oneLine(outcome.stdout)) }
        return PrintJob(printer: Self.queue(of: jobID), jobID: jobID)
    }

    /// lp answers "request id is front-desk-42 (1 file(s))".
    static func jobID(in answer: String) -> String? {
        guard let range = answer.range(of: "request id is ") else { return nil }
        let id = answer[range.upperBound...].prefix { !$0.isWhitespace }
        return id.isEmpty ? nil : String(id)
    }

    /// "front-desk-42" -> "front-desk".
    static func queue(of jobID: String) -> String {
        guard let dash = jobID.lastIndex(of: "-"), jobID[jobID.index(after: dash)...].allSatisfy(\.isNumber) else {
            return jobID
        }
        return String(jobID[..<dash])
    }

    static func oneLine(_ text: String) -> String {
        var line = text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: " ")
        while line.hasSuffix(".") { line.removeLast() }
        return Visible.text(line)
    }
}
