import ArgumentParser
import BlueprintModel

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the blueprint's JSON Schema (draft-07), for editors such as yaml-language-server.",
        discussion: "docs/blueprint.schema.json is this output. Point an editor at it with a first line "
            + "`# yaml-language-server: $schema=<path or URL of blueprint.schema.json>`.")

    func run() throws {
        print(BlueprintSchema.json(), terminator: "")
    }
}
