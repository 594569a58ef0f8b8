import ChairsideStore
import Foundation

/// One theme the console can offer: where it came from and whether it can be used.
public struct ThemeEntry: Equatable, Sendable {
    public var name: String
    /// "user", "installed", "shipped" or "built-in".
    public var origin: String
    public var path: String?
    /// Lower-priority sources of the same name that this one overrides.
    public var shadows: [String]
    public var theme: Result<Theme, ThemeError>
}

/// All themes by name: files found by `ThemeFiles`, plus the compiled-in default and monochrome
/// for any name no file provides. A file is parsed when its theme is first asked for (the console
/// starts with one theme; the picker and `chairside themes` ask for all), once.
public struct ThemeLibrary: Sendable {
    /// One theme's origin and either its file's text (parsed on first use) or a built-in theme.
    private struct Source: Sendable {
        var name: String
        var origin: String
        var path: String?
        var shadows: [String]
        var text: Result<String, ThemeReadError>?
        var builtIn: Theme?
    }

    /// Themes parsed so far, by index into `sources`.
    private final class Parsed: @unchecked Sendable {
        private let lock = NSLock()
        private var themes: [Int: Result<Theme, ThemeError>] = [:]
        func theme(_ i: Int, parse: () -> Result<Theme, ThemeError>) -> Result<Theme, ThemeError> {
            if let known = lock.withLock({ themes[i] }) { return known }
            let result = parse()
            lock.withLock { themes[i] = result }
            return result
        }
    }

    private let sources: [Source]
    private let parsed = Parsed()

    public init(sources found: [ThemeSource]) {
        var list = found.map {
            Source(
                name: $0.name, origin: $0.origin.rawValue, path: $0.path, shadows: $0.shadows.map(\.rawValue),
                text: $0.text)
        }
        for builtIn in [Theme.standard, Theme.monochrome] where !list.contains(where: { $0.name == builtIn.name }) {
            list.append(Source(name: builtIn.name, origin: "built-in", path: nil, shadows: [], builtIn: builtIn))
        }
        sources = list.sorted { $0.name < $1.name }
    }

    /// Every theme, parsed.
    public var entries: [ThemeEntry] { sources.indices.map(entry(at:)) }

    public func entry(named name: String) -> ThemeEntry? {
        sources.firstIndex { $0.name == name }.map(entry(at:))
    }

    private func entry(at i: Int) -> ThemeEntry {
        let source = sources[i]
        let theme = parsed.theme(i) {
            if let builtIn = source.builtIn { return .success(builtIn) }
            switch source.text {
            case .success(let text)?: return ThemeFile.parse(text, name: source.name, file: source.path ?? "")
            case .failure(let error)?:
                return .failure(
                    ThemeError(problems: [
                        ThemeProblem(file: source.path ?? "", line: 0, role: nil, message: error.message)
                    ]))
            case nil: return .success(.standard)
            }
        }
        return ThemeEntry(
            name: source.name, origin: source.origin, path: source.path, shadows: source.shadows, theme: theme)
    }

    /// The theme for a name, or the built-in default and a notice saying why not.
    public func resolve(_ name: String) -> (theme: Theme, notice: String?) {
        guard let entry = entry(named: name) else {
            return (
                .standard,
                "Theme \"\(name)\" was not found, so the built-in default is used; `chairside themes` lists the themes."
            )
        }
        switch entry.theme {
        case .success(let theme): return (theme, nil)
        case .failure(let error):
            let first = error.problems.first.map(\.description) ?? "cannot be read"
            return (
                .standard,
                "Theme \"\(name)\" has a problem (\(first)), so the built-in default is used; `chairside themes --check` shows all of it."
            )
        }
    }

    /// What to draw with on a terminal of this depth: without colour, the monochrome theme's
    /// attributes, because a colour theme's meaning would be lost.
    public func forDepth(_ theme: Theme, _ depth: ColorDepth) -> Theme {
        guard depth == .none, theme.name != "monochrome" else { return theme }
        if case .success(let mono)? = entry(named: "monochrome")?.theme { return mono }
        return .monochrome
    }
}
