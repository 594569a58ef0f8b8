import ChairsideStore

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

/// All themes by name: files found by `ThemeFiles`, parsed, plus the compiled-in default and
/// monochrome for any name no file provides.
public struct ThemeLibrary: Sendable {
    public private(set) var entries: [ThemeEntry]

    public init(sources: [ThemeSource]) {
        entries = sources.map { source in
            let theme: Result<Theme, ThemeError> =
                switch source.text {
                case .success(let text): ThemeFile.parse(text, name: source.name, file: source.path)
                case .failure(let error):
                    .failure(
                        ThemeError(problems: [
                            ThemeProblem(file: source.path, line: 0, role: nil, message: error.message)
                        ]))
                }
            return ThemeEntry(
                name: source.name, origin: source.origin.rawValue, path: source.path,
                shadows: source.shadows.map(\.rawValue), theme: theme)
        }
        for builtIn in [Theme.standard, Theme.monochrome] where !entries.contains(where: { $0.name == builtIn.name }) {
            entries.append(
                ThemeEntry(name: builtIn.name, origin: "built-in", path: nil, shadows: [], theme: .success(builtIn)))
        }
        entries.sort { $0.name < $1.name }
    }

    public func entry(named name: String) -> ThemeEntry? { entries.first { $0.name == name } }

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
