import BlueprintYAML
import Diagnostics

/// Edits of a blueprint's text at the positions libyaml reported (1-based line and column, in
/// Unicode scalars), so a patch touches only the lines a move changes. Every operation checks
/// that the text at the position is what the node says; when it is not, or the node is written
/// in a way a one-place edit cannot change (a value over several lines), it returns false and
/// the move is not made. Several edits of one parse are made back to front (the latest position
/// first), so each one's positions are still those libyaml reported.
struct TextEditor {
    private var lines: [[Unicode.Scalar]]

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
    }

    var text: String {
        lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
    }

    private func at(_ mark: SourceMark) -> (line: Int, column: Int)? {
        let line = mark.line - 1, column = mark.column - 1
        guard lines.indices.contains(line), column >= 0, column <= lines[line].count else { return nil }
        return (line, column)
    }

    /// The end (exclusive column) of a plain scalar or flow collection starting at `mark`, on its line.
    private func end(of node: YAMLNode) -> Int? {
        guard let (line, column) = at(node.mark) else { return nil }
        let scalars = lines[line]
        switch node.content {
        case .scalar(let text, .plain):
            let written = Array(text.unicodeScalars)
            guard column + written.count <= scalars.count, Array(scalars[column..<column + written.count]) == written else { return nil }
            return column + written.count
        case .mapping, .sequence:
            guard column < scalars.count, scalars[column] == "{" || scalars[column] == "[" else { return nil }
            var depth = 0
            var quote: Unicode.Scalar?
            for index in column..<scalars.count {
                let c = scalars[index]
                if let open = quote { if c == open { quote = nil }; continue }
                switch c {
                case "\"", "'": quote = c
                case "{", "[": depth += 1
                case "}", "]":
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
            }
            return nil
        default:
            return nil
        }
    }

    private func isFlow(_ node: YAMLNode) -> Bool {
        guard let (line, column) = at(node.mark), column < lines[line].count else { return false }
        return lines[line][column] == "{" || lines[line][column] == "["
    }

    /// The plain scalar `node` replaced by `value`.
    mutating func replace(_ node: YAMLNode, with value: String) -> Bool {
        guard let (line, column) = at(node.mark), let end = end(of: node) else { return false }
        lines[line].replaceSubrange(column..<end, with: Array(value.unicodeScalars))
        return true
    }

    /// `key: value` added to `mapping` before its first key, in the mapping's own style.
    mutating func insert(_ key: String, _ value: String, into mapping: YAMLNode) -> Bool {
        guard case .mapping(let pairs) = mapping.content, let first = pairs.first, let (line, column) = at(first.key.mark) else { return false }
        if isFlow(mapping) {
            lines[line].insert(contentsOf: Array("\(key): \(value), ".unicodeScalars), at: column)
        } else {
            let indent = [Unicode.Scalar](repeating: " ", count: column)
            let head = Array(lines[line][..<column]), tail = Array(lines[line][column...])
            lines[line] = head + Array("\(key): \(value)".unicodeScalars)
            lines.insert(indent + tail, at: line + 1)
        }
        return true
    }

    /// `item` removed from `list`; a list of one item is left alone (nil).
    mutating func remove(_ item: YAMLNode, from list: YAMLNode) -> Bool {
        guard case .sequence(let items) = list.content, items.count > 1, let index = items.firstIndex(where: { $0.mark == item.mark }),
              let (line, column) = at(item.mark) else { return false }
        if isFlow(list) {
            guard let end = end(of: item) else { return false }
            if index + 1 < items.count, let (nextLine, nextColumn) = at(items[index + 1].mark), nextLine == line {
                lines[line].removeSubrange(column..<nextColumn)   // "a, " before the next item
            } else if index > 0, let previousEnd = self.end(of: items[index - 1]), at(items[index - 1].mark)?.line == line {
                lines[line].removeSubrange(previousEnd..<end)     // ", z" after the previous item
            } else {
                return false
            }
            return true
        }
        // A block item: "- " before it on its line; it ends where a line is indented no deeper than the dash.
        guard let dash = lines[line][..<column].lastIndex(of: "-"),
              lines[line][..<dash].allSatisfy({ $0 == " " }) else { return false }
        var last = line
        while last + 1 < lines.count {
            let next = lines[last + 1]
            let indent = next.prefix { $0 == " " }.count
            if next.allSatisfy({ $0 == " " }) || indent <= dash { break }
            last += 1
        }
        lines.removeSubrange(line...last)
        return true
    }

    /// One `key: value` pair removed from a mapping: from a flow mapping with the comma before
    /// it, from a block mapping as its whole line.
    mutating func removePair(_ pair: YAMLNode.Pair, from mapping: YAMLNode) -> Bool {
        guard case .mapping(let pairs) = mapping.content, pairs.count > 1, let (line, column) = at(pair.key.mark),
              let valueEnd = end(of: pair.value), at(pair.value.mark)?.line == line else { return false }
        if isFlow(mapping) {
            guard let index = pairs.firstIndex(where: { $0.key.mark == pair.key.mark }), index > 0,
                  let previousEnd = end(of: pairs[index - 1].value), at(pairs[index - 1].value.mark)?.line == line else { return false }
            lines[line].removeSubrange(previousEnd..<valueEnd)
            return true
        }
        guard lines[line][..<column].allSatisfy({ $0 == " " }),
              lines[line][valueEnd...].allSatisfy({ $0 == " " }) || lines[line][valueEnd...].first(where: { $0 != " " }) == "#" else { return false }
        lines.remove(at: line)
        return true
    }
}
