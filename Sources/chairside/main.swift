// With a default subcommand, ArgumentParser would read a mistyped command as an argument of the
// console ("Unexpected argument 'exprot'", with the console's usage). A word where a command
// belongs that names none gets the list of commands instead; everything else is ArgumentParser's.
CommandWord.rejectUnknown(
    in: Array(CommandLine.arguments.dropFirst()),
    commands: Chairside.configuration.subcommands.map { $0._commandName } + ["help"],
    help: Chairside.helpMessage())
Chairside.main()
