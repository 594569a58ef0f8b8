import ChairsideCore
import Foundation

/// The first word of a command line that is neither an option nor an option's value: where
/// ArgumentParser expects a subcommand's name.
enum CommandWord {
    static func first(in arguments: [String], optionsWithValues: Set<String>) -> String? {
        var skipNext = false
        for argument in arguments {
            if skipNext {
                skipNext = false
                continue
            }
            if argument == "--" { return nil }
            if argument.hasPrefix("-") {
                skipNext = optionsWithValues.contains(argument)
                continue
            }
            return argument
        }
        return nil
    }

    /// The options every command shares (`--store DIR`, `--config FILE`, and their `=` forms) written
    /// before the command word are moved after it: `chairside --store DIR today` means
    /// `chairside today --store DIR`, not the console with a stray argument. A command with its own
    /// subcommands (`lots add`, `series stop`) gets them after its subcommand's word, where they are read.
    static func hoistingSharedOptions(
        _ arguments: [String], commands: [String], nested: [String: [String]] = [:]
    ) -> [String] {
        let shared: Set<String> = ["--store", "--config"]
        var leading: [String] = []
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if shared.contains(argument), i + 1 < arguments.count {
                leading += [argument, arguments[i + 1]]
                i += 2
            } else if shared.contains(where: { argument.hasPrefix($0 + "=") }) {
                leading.append(argument)
                i += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty, i < arguments.count, commands.contains(arguments[i]) else { return arguments }
        if i + 1 < arguments.count, nested[arguments[i]]?.contains(arguments[i + 1]) == true {
            return [arguments[i], arguments[i + 1]] + leading + arguments[(i + 2)...]
        }
        return [arguments[i]] + leading + arguments[(i + 1)...]
    }

    /// Exits with the list of commands (usage error, 64) when the command word names none of them.
    /// The help text is built only then: building it inspects every command at run time.
    static func rejectUnknown(in arguments: [String], commands: [String], help: @autoclosure () -> String) {
        guard let word = first(in: arguments, optionsWithValues: ["--store", "--config"]), !commands.contains(word)
        else { return }
        var stderr = StandardError()
        print("Error: '\(Visible.text(word))' is not a chairside command.\n", to: &stderr)
        print(help(), to: &stderr)
        exit(64)
    }
}

/// Standard error as a `TextOutputStream`, for `print(…, to:)`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
