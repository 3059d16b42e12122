import Diagnostics

/// A table rendered as Markdown or as aligned plain text. Cells hold user text (names, waiver
/// reasons, objectives): Markdown cells go through `Markdown.text`, so no cell can end its row
/// or add one; text cells through `TerminalText.escaped`, so none can break a terminal line.
struct Table {
    var headers: [String]
    var rows: [[String]]

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

    var text: String {
        let headers = headers.map(TerminalText.escaped), rows = rows.map { $0.map(TerminalText.escaped) }
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        let line = { (cells: [String]) -> String in
            var text = zip(cells, widths).map { $0 + String(repeating: " ", count: max(0, $1 - $0.count)) }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return TerminalText.lineStart(text)
        }
        return ([line(headers), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
