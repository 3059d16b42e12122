/// A table rendered as Markdown or as aligned plain text.
struct Table {
    var headers: [String]
    var rows: [[String]]

    var markdown: String {
        // Checked first: Foundation's replace is slow, and a large report has tens of thousands of cells.
        let escape = { (cell: String) in cell.utf8.contains(UInt8(ascii: "|")) ? cell.replacingOccurrences(of: "|", with: "\\|") : cell }
        var out = "| " + headers.map(escape).joined(separator: " | ") + " |\n"
        out += "|" + headers.map { _ in "---|" }.joined() + "\n"
        for row in rows { out += "| " + row.map(escape).joined(separator: " | ") + " |\n" }
        return out
    }

    var text: String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        let line = { (cells: [String]) -> String in
            var text = zip(cells, widths).map { $0 + String(repeating: " ", count: max(0, $1 - $0.count)) }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        return ([line(headers), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
