import ArgumentParser

// Every command names itself (`commandName`): otherwise the parser derives each name from its
// type at run time, on every start (docs/BENCHMARKS.md). `main.swift` calls `Chairside.main()`.
struct Chairside: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chairside",
        abstract: "The treatment-room console for microneedling with PRP.",
        discussion: "Run without a subcommand to open the console.",
        version: ChairsideVersion.current,
        subcommands: [
            Console.self, Today.self, Show.self, History.self, Export.self, Aftercare.self, Themes.self, Check.self,
            Anchor.self, Demo.self, Replicate.self, Restore.self,
            MergePatients.self, UnmergePatient.self, ImportHistory.self, Due.self, Series.self, Lots.self, Recall.self,
        ],
        defaultSubcommand: Console.self
    )

    /// `chairside` alone opens the console straight away: setting up the argument parser (it
    /// inspects every command's types at run time) was a third of a bare start (docs/BENCHMARKS.md).
    static func main() {
        guard CommandLine.arguments.count == 1 else { return main(nil) }
        do {
            try Console.open(StoreSettings())
        } catch {
            exit(withError: error)
        }
    }
}
