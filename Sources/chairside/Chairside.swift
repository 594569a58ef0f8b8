import ArgumentParser

struct Chairside: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The treatment-room console for microneedling with PRP.",
        discussion: "Run without a subcommand to open the console.",
        version: ChairsideVersion.current,
        subcommands: [
            Console.self, Today.self, Show.self, History.self, Export.self, Aftercare.self, Themes.self, Check.self,
            Anchor.self, Demo.self, Replicate.self, Restore.self,
        ],
        defaultSubcommand: Console.self
    )
}
