/// A part of a Markdown diff whose rows may be left out to stay within a size budget: a table
/// or list, with a line saying how many rows were left out and where to find them.
struct MarkdownSection {
    /// Lower is kept first: objective deltas, then findings, capacity, resource details.
    var priority: Int
    var head: String
    var rows: [String]
    /// What the rows are, for the "… N more" line.
    var what: String
    var tail = ""
    /// True for a list inside `<details>`: the "… N more" line is a list item before `tail`.
    /// Otherwise it is a paragraph after the table (a table row would need every column).
    var moreInside = false

    func moreLine(_ count: Int, elsewhere: String) -> String {
        moreInside ? "- … \(count) more, \(elsewhere)\n" : "\n… \(count) more \(what), \(elsewhere).\n"
    }

    /// The section with its first `rows` rows; `elsewhere` says where the rest are.
    func rendered(rows kept: Int, elsewhere: String) -> String {
        let left = rows.count - kept
        if kept == 0 && left > 0 && !moreInside { return moreLine(left, elsewhere: elsewhere) }   // no header-only table
        var out = head + rows.prefix(kept).joined()
        if left > 0 && moreInside { out += moreLine(left, elsewhere: elsewhere) }
        out += tail
        if left > 0 && !moreInside { out += moreLine(left, elsewhere: elsewhere) }
        return out
    }

    /// The most bytes the section can take once rows are cut: every cut leaves one "… N more" line.
    func bytes(rows kept: Int, elsewhere: String) -> Int { rendered(rows: kept, elsewhere: elsewhere).utf8.count }
}

/// Fits a Markdown diff into `maxBytes`: every blueprint's heading and summary first, then rows
/// by priority (objective deltas, findings, capacity, resource details), each section in
/// document order. Only whole rows are cut, so the result stays valid CommonMark.
public struct MarkdownBudget: Sendable {
    /// GitHub refuses issue and pull-request comments over 65,536 characters; bytes are a safe
    /// upper bound on characters, and the rest leaves room for a marker and a header line.
    public static let pullRequestComment = 60_000

    public var maxBytes: Int
    /// Where the rows left out can be read, e.g. "see the job summary".
    public var elsewhere: String

    public init(maxBytes: Int = MarkdownBudget.pullRequestComment, elsewhere: String) {
        self.maxBytes = maxBytes
        self.elsewhere = elsewhere
    }

    func shortenedNote(total: Int) -> String {
        "\n---\n_Shortened to fit \(maxBytes) bytes (the whole diff is \(total) bytes); \(elsewhere)._\n"
    }

    func render(_ diffs: [(head: String, sections: [MarkdownSection])]) -> String {
        let separator = "\n"
        let whole = diffs.map { $0.head + $0.sections.map { $0.rendered(rows: $0.rows.count, elsewhere: elsewhere) }.joined() }
            .joined(separator: separator)
        if whole.utf8.count <= maxBytes { return whole }

        // Reserve the closing note, then each blueprint's smallest form: heading, summary and one
        // "… N more" line per section. Blueprints that do not fit even so are counted, not shown.
        var available = maxBytes - shortenedNote(total: whole.utf8.count).utf8.count
        var shown: [(head: String, sections: [MarkdownSection])] = []
        for (index, diff) in diffs.enumerated() {
            let smallest = diff.head.utf8.count + separator.utf8.count
                + diff.sections.map { $0.bytes(rows: 0, elsewhere: elsewhere) }.reduce(0, +)
            let omittedLine = "\n… \(diffs.count - index - 1) more blueprints changed, \(elsewhere).\n"
            guard smallest + omittedLine.utf8.count <= available else { break }
            available -= smallest
            shown.append(diff)
        }
        let omitted = diffs.count - shown.count
        if omitted > 0 { available -= "\n… \(omitted) more blueprints changed, \(elsewhere).\n".utf8.count }

        // Hand out the rest row by row, most important sections first.
        var kept = shown.map { $0.sections.map { _ in 0 } }
        let order = shown.indices.flatMap { d in shown[d].sections.indices.map { (d, $0) } }
            .sorted { a, b in
                (shown[a.0].sections[a.1].priority, a.0, a.1) < (shown[b.0].sections[b.1].priority, b.0, b.1)
            }
        for (d, s) in order {
            let section = shown[d].sections[s]
            var cost = section.bytes(rows: 0, elsewhere: elsewhere)
            while kept[d][s] < section.rows.count {
                let next = section.bytes(rows: kept[d][s] + 1, elsewhere: elsewhere)
                guard next - cost <= available else { break }
                available -= next - cost
                cost = next
                kept[d][s] += 1
            }
            if kept[d][s] < section.rows.count { break }   // later sections would only take rows out of order
        }
        var out = shown.indices.map { d in
            shown[d].head + shown[d].sections.indices.map { shown[d].sections[$0].rendered(rows: kept[d][$0], elsewhere: elsewhere) }.joined()
        }.joined(separator: separator)
        if omitted > 0 { out += "\n… \(omitted) more blueprints changed, \(elsewhere).\n" }
        return out + shortenedNote(total: whole.utf8.count)
    }
}
