import Foundation
import Review
import Testing

@Suite struct MarkdownBudgetTests {
    /// Demand up by half in the example: replicas, PDBs and autoscalers change in every region.
    let change = diff(base, edited(("demand: { eu: 1000 }", "demand: { eu: 1500 }"), ("lag: 1s }", "lag: 2s }")))

    func render(_ diffs: [BlueprintDiff], _ maxBytes: Int) -> String {
        DiffRenderer.render(diffs, format: .markdown, markdownBudget: MarkdownBudget(maxBytes: maxBytes, elsewhere: "see the job summary"))
    }

    @Test func whatFitsIsLeftAlone() {
        let whole = DiffRenderer.render([change], format: .markdown)
        #expect(render([change], whole.utf8.count) == whole)
    }

    @Test func objectiveDeltasComeBeforeResourceDetails() {
        let whole = DiffRenderer.render([change], format: .markdown)
        let objectives = try! #require(whole.range(of: "**Objectives:**"))
        let capacity = try! #require(whole.range(of: "**Capacity changes:**"))
        #expect(objectives.lowerBound < capacity.lowerBound)
    }

    @Test func everyBudgetIsKeptAndCountsAddUp() {
        let whole = DiffRenderer.render([change], format: .markdown)
        let wholeItems = whole.components(separatedBy: "\n- `").count - 1
        for budget in stride(from: 600, to: whole.utf8.count, by: 150) {
            let text = render([change], budget)
            #expect(text.utf8.count <= budget, "budget \(budget)")
            #expect(text.contains("_Shortened to fit \(budget) bytes"))
            // Resource items shown plus those announced as "… N more" are all the items.
            let shown = text.components(separatedBy: "\n- `").count - 1
            let announced = text.components(separatedBy: "\n- … ").dropFirst()
                .compactMap { Int($0.prefix { $0.isNumber }) }.reduce(0, +)
            #expect(shown + announced == wholeItems, "budget \(budget)")
            #expect(text.components(separatedBy: "<details>").count == text.components(separatedBy: "</details>").count)
        }
    }

    @Test func blueprintsThatDoNotFitAreCounted() {
        let many = (0..<40).map { _ in change }
        let text = render(many, 4_000)
        #expect(text.utf8.count <= 4_000)
        let shown = text.components(separatedBy: "\n### `shop`").count - 1 + (text.hasPrefix("### `shop`") ? 1 : 0)
        #expect(shown >= 1 && shown < 40)
        #expect(text.contains("… \(40 - shown) more blueprints changed, see the job summary."))
    }
}

@Suite struct ChangedLinesTests {
    @Test func hunksGiveTheNewSideLines() {
        let diff = """
            diff --git a/Blueprints/a.yaml b/Blueprints/a.yaml
            index 1111111..2222222 100644
            --- a/Blueprints/a.yaml
            +++ b/Blueprints/a.yaml
            @@ -3 +3 @@ blueprint: a
            -  availability: 99.9%
            +  availability: 99.99%
            @@ -10,2 +10,0 @@ regions:
            -    wave: 1
            -    wave: 2
            @@ -20,0 +19,3 @@ services:
            +  a: 1
            +  b: 2
            +  c: 3
            diff --git a/Blueprints/gone.yaml b/Blueprints/gone.yaml
            deleted file mode 100644
            --- a/Blueprints/gone.yaml
            +++ /dev/null
            @@ -1,2 +0,0 @@
            -blueprint: gone
            -namespace: x
            diff --git a/Blueprints/new file.yaml b/Blueprints/new file.yaml
            new file mode 100644
            --- /dev/null
            +++ b/Blueprints/new file.yaml
            @@ -0,0 +1,2 @@
            +blueprint: new
            +namespace: y
            """
        let lines = GitSource.addedLines(unifiedDiff: diff)
        #expect(lines["Blueprints/a.yaml"] == [3, 19, 20, 21])
        #expect(lines["Blueprints/new file.yaml"] == [1, 2])
        #expect(lines["Blueprints/gone.yaml"] == nil)
    }
}
