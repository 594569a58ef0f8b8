import CNCurses
import Foundation

// With a default subcommand, ArgumentParser would read a mistyped command as an argument of the
// console ("Unexpected argument 'exprot'", with the console's usage). A word where a command
// belongs that names none gets the list of commands instead; everything else is ArgumentParser's.
// A bare `chairside` has no word to check (and must not build the help text: see `Chairside.main()`).
if CommandLine.arguments.count > 1 {
    let commands = Chairside.configuration.subcommands.map { $0._commandName } + ["help"]
    var nested: [String: [String]] = [:]
    for command in Chairside.configuration.subcommands {
        var words: [String] = []
        for sub in command.configuration.subcommands { words.append(sub._commandName) }
        if !words.isEmpty { nested[command._commandName] = words }
    }
    let arguments = CommandWord.hoistingSharedOptions(
        Array(CommandLine.arguments.dropFirst()), commands: commands, nested: nested)
    CommandWord.rejectUnknown(in: arguments, commands: commands, help: Chairside.helpMessage())
    Chairside.main(arguments)
} else {
    Chairside.main()
}

// A full disk or a closed pipe behind standard output must not pass for success: a script would
// keep a cut-off export.
if cs_stdout_failed() != 0 {
    let why = String(cString: strerror(errno))
    FileHandle.standardError.write(
        Data("Error: the output could not be written (\(why)); nothing printed can be trusted.\n".utf8))
    exit(1)
}
