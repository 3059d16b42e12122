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
        // Looked up per cell: an array, not a set to hash.
        let verbatim = (0..<headers.count).map(verbatimColumns.contains)
        func line(_ cells: [String], verbatimAllowed: Bool) {
            out.append(literal: "| ")
            for (column, cell) in cells.enumerated() {
                if column > 0 { out.append(literal: " | ") }
                if verbatimAllowed && (column < verbatim.count ? verbatim[column] : verbatimColumns.contains(column)) {
                    out.append(utf8Of: cell)
                } else {
                    Markdown.append(cell, into: &out)
                }
            }
            out.append(literal: " |\n")
        }
        line(headers, verbatimAllowed: false)
        out += "|".utf8
        for _ in headers { out += "---|".utf8 }
        out.append(UInt8(ascii: "\n"))
        for index in 0..<rowCount { line(row(index), verbatimAllowed: true) }
    }

    public var text: String {
        var out: [UInt8] = []
        text(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the aligned text table to `out` (explain of a 1,000-service blueprint is tens of
    /// thousands of rows, written into one buffer). Each row's cells are made, escaped and measured
    /// once: the widths need every row before the first line is written.
    func text(into out: inout [UInt8]) {
        let columns = headers.count
        var widths = [Int](repeating: 0, count: columns)
        // Widths in Characters, kept flat (a row's counts start at row × columns); a cell beyond
        // the headers is neither measured nor written.
        var counts = [Int](repeating: 0, count: (rowCount + 1) * columns)
        func measured(_ cells: inout [String], row: Int) {
            for column in 0..<min(cells.count, columns) {
                let (cell, count) = Self.escapedAndMeasured(cells[column])
                cells[column] = cell
                counts[row * columns + column] = count
                widths[column] = max(widths[column], count)
            }
        }
        var header = headers
        measured(&header, row: 0)
        var rows: [[String]] = []
        rows.reserveCapacity(rowCount)
        for index in 0..<rowCount {
            var cells = row(index)
            measured(&cells, row: index + 1)
            rows.append(cells)
        }
        out.reserveCapacity(out.count + (widths.reduce(0, +) + 2 * widths.count + 1) * (rowCount + 2))
        func line(_ cells: [String], widthsOfCells: ArraySlice<Int>) {
            let start = out.count
            let written = min(cells.count, columns)
            for column in 0..<written {
                if column > 0 { out.append(literal: "  ") }
                out.append(utf8Of: cells[column])
                // The last cell's padding would be trimmed below: none is written.
                if column < written - 1 { out.append(spaces: widths[column] - widthsOfCells[widthsOfCells.startIndex + column]) }
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
        let ofRow = { (row: Int) in counts[(row * columns)..<((row + 1) * columns)] }
        line(header, widthsOfCells: ofRow(0))
        line(widths.map { String(repeating: "-", count: $0) }, widthsOfCells: widths[...])
        for (index, cells) in rows.enumerated() { line(cells, widthsOfCells: ofRow(index + 1)) }
    }

    /// A cell as the terminal shows it and its width in Characters. Nearly every cell is plain
    /// printable ASCII, which is proved eight bytes at a time and is its own width.
    static func escapedAndMeasured(_ cell: String) -> (String, Int) {
        var cell = cell
        if cell.withUTF8(TerminalText.isPrintableASCII) { return (cell, cell.utf8.count) }
        let escaped = TerminalText.escaped(cell)
        return (escaped, escaped.utf8.allSatisfy { $0 < 0x80 } ? escaped.utf8.count : escaped.count)
    }
}
