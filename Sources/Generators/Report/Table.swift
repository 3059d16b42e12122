import Diagnostics

/// A table rendered as Markdown or as aligned plain text. Cells hold user text (names, waiver
/// reasons, objectives): Markdown cells go through `Markdown.text`, so no cell can end its row
/// or add one; text cells through `TerminalText.escaped`, so none can break a terminal line.
public struct Table {
    public var headers: [String]
    public var rows: [[String]]

    public init(headers: [String], rows: [[String]]) {
        self.headers = headers
        self.rows = rows
    }

    var markdown: String { markdown(verbatimColumns: []) }

    /// The table in Markdown; cells of `verbatimColumns` are already Markdown (code spans, say)
    /// and go in as they are.
    func markdown(verbatimColumns: Set<Int>) -> String {
        var out = "| " + headers.map(Markdown.text).joined(separator: " | ") + " |\n"
        out += "|" + headers.map { _ in "---|" }.joined() + "\n"
        for row in rows {
            out += "| " + row.enumerated().map { verbatimColumns.contains($0.offset) ? $0.element : Markdown.text($0.element) }
                .joined(separator: " | ") + " |\n"
        }
        return out
    }

    public var text: String {
        let headers = headers.map(TerminalText.escaped), rows = rows.map { $0.map(TerminalText.escaped) }
        // Widths in Characters, each cell counted once; the lines are written into one buffer
        // (explain of a 1,000-service blueprint is tens of thousands of rows).
        let headerCounts = headers.map(\.count), rowCounts = rows.map { $0.map(\.count) }
        var widths = headerCounts
        for counts in rowCounts { for (column, count) in counts.enumerated() where column < widths.count { widths[column] = max(widths[column], count) } }
        var out = ""
        out.reserveCapacity((widths.reduce(0, +) + 2 * widths.count + 1) * (rows.count + 2))
        func line(_ cells: [String], _ counts: [Int]) {
            var text = ""
            for (column, cell) in cells.enumerated() where column < widths.count {
                if column > 0 { text += "  " }
                text += cell
                if column < cells.count - 1 { text += String(repeating: " ", count: max(0, widths[column] - counts[column])) }
            }
            while text.last == " " { text.removeLast() }
            out += TerminalText.lineStart(text)
            out += "\n"
        }
        line(headers, headerCounts)
        line(widths.map { String(repeating: "-", count: $0) }, widths)
        for (row, counts) in zip(rows, rowCounts) { line(row, counts) }
        return out
    }
}
