import Diagnostics

/// A table rendered as Markdown or as aligned plain text. Cells hold user text (names, waiver
/// reasons, objectives): Markdown cells go through `Markdown.text`, so no cell can end its row
/// or add one; text cells through `TerminalText.escaped`, so none can break a terminal line.
public struct Table {
    public var headers: [String]
    public let rowCount: Int
    /// Row `i`'s cells, made when the row is written: REPORT.md of 1,000 services × 32 regions has
    /// 64,000 RTO rows, whose cells held at once took 44 MB beside the report itself.
    private let row: (Int) -> [String]

    public init(headers: [String], rows: [[String]]) {
        self.headers = headers
        self.rowCount = rows.count
        self.row = { rows[$0] }
    }

    /// A table with a row per item, whose cells are made as each row is written.
    public init<Items: RandomAccessCollection>(headers: [String], of items: Items, row: @escaping (Items.Element) -> [String])
    where Items.Index == Int {
        self.headers = headers
        self.rowCount = items.count
        let start = items.startIndex
        self.row = { row(items[start + $0]) }
    }

    /// Every row's cells (the aligned text needs them all to size its columns).
    public var rows: [[String]] { (0..<rowCount).map(row) }

    var markdown: String { markdown(verbatimColumns: []) }

    /// The table in Markdown; cells of `verbatimColumns` are already Markdown (code spans, say)
    /// and go in as they are.
    func markdown(verbatimColumns: Set<Int>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64 * (rowCount + 2))
        markdown(verbatimColumns: verbatimColumns, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the table in Markdown to `out`: a report of thousands of rows is built in one buffer.
    func markdown(verbatimColumns: Set<Int> = [], into out: inout [UInt8]) {
        func line(_ cells: [String], verbatim: Set<Int>) {
            out += "| ".utf8
            for (column, cell) in cells.enumerated() {
                if column > 0 { out += " | ".utf8 }
                out += (verbatim.contains(column) ? cell : Markdown.text(cell)).utf8
            }
            out += " |\n".utf8
        }
        line(headers, verbatim: [])
        out += "|".utf8
        for _ in headers { out += "---|".utf8 }
        out.append(UInt8(ascii: "\n"))
        for index in 0..<rowCount { line(row(index), verbatim: verbatimColumns) }
    }

    public var text: String {
        var out: [UInt8] = []
        text(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the aligned text table to `out` (explain of a 1,000-service blueprint is tens of
    /// thousands of rows, written into one buffer).
    func text(into out: inout [UInt8]) {
        let headers = headers.map(TerminalText.escaped), rows = rows.map { $0.map(TerminalText.escaped) }
        // Widths in Characters, each cell counted once (an ASCII cell's count is its byte count:
        // escaped cells hold no CR LF).
        let width = { (cell: String) -> Int in cell.utf8.allSatisfy { $0 < 0x80 } ? cell.utf8.count : cell.count }
        let headerCounts = headers.map(width), rowCounts = rows.map { $0.map(width) }
        var widths = headerCounts
        for counts in rowCounts { for (column, count) in counts.enumerated() where column < widths.count { widths[column] = max(widths[column], count) } }
        out.reserveCapacity(out.count + (widths.reduce(0, +) + 2 * widths.count + 1) * (rows.count + 2))
        func line(_ cells: [String], _ counts: [Int]) {
            let start = out.count
            for (column, cell) in cells.enumerated() where column < widths.count {
                if column > 0 { out += "  ".utf8 }
                out += cell.utf8
                if column < cells.count - 1 { out += repeatElement(UInt8(ascii: " "), count: max(0, widths[column] - counts[column])) }
            }
            while out.count > start, out[out.count - 1] == UInt8(ascii: " ") { out.removeLast() }
            // A line whose first non-blank characters are `::` would be a GitHub Actions command;
            // only a line that starts with a blank or `:` (or non-ASCII) can be one.
            if let first = out[start...].first, first == UInt8(ascii: ":") || first == UInt8(ascii: " ") || first == 0x09 || first >= 0x80 {
                let guarded = TerminalText.lineStart(String(decoding: out[start...], as: UTF8.self))
                out.removeSubrange(start...)
                out += guarded.utf8
            }
            out.append(UInt8(ascii: "\n"))
        }
        line(headers, headerCounts)
        line(widths.map { String(repeating: "-", count: $0) }, widths)
        for (row, counts) in zip(rows, rowCounts) { line(row, counts) }
    }
}
