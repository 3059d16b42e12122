/// A unified diff (`diff -u`, `git apply`, `patch -p1` read it) of two texts, line by line,
/// from the shortest edit script (Myers, "An O(ND) Difference Algorithm", 1986).
public enum UnifiedDiff {
    enum Edit: Equatable { case keep(Int, Int), delete(Int), insert(Int) }

    public static func render(old: String, new: String, path: String, context: Int = 3) -> String {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let script = edits(a, b)
        guard script.contains(where: { if case .keep = $0 { return false } else { return true } }) else { return "" }
        var out = "--- a/\(path)\n+++ b/\(path)\n"
        var index = 0
        while index < script.count {
            guard let change = script[index...].firstIndex(where: { if case .keep = $0 { return false } else { return true } }) else { break }
            // A hunk runs from `context` lines before the first change to `context` after the last
            // change that is no more than 2 × context lines from the next.
            let start = max(index, change - context)
            var end = change
            var cursor = change
            while cursor < script.count {
                if case .keep = script[cursor] {
                    let run = script[cursor...].prefix { if case .keep = $0 { return true } else { return false } }.count
                    if cursor + run >= script.count || run > 2 * context { end = min(script.count, cursor + min(run, context)); break }
                    cursor += run
                } else {
                    cursor += 1
                    end = cursor
                }
            }
            let hunk = script[start..<end]
            let oldStart = hunk.compactMap { edit -> Int? in
                switch edit { case .keep(let i, _), .delete(let i): i; case .insert: nil }
            }.first ?? (hunk.compactMap { if case .insert(let j) = $0 { return j } else { return nil } }.first.map { _ in 0 } ?? 0)
            let newStart = hunk.compactMap { edit -> Int? in
                switch edit { case .keep(_, let j), .insert(let j): j; case .delete: nil }
            }.first ?? 0
            let oldCount = hunk.filter { if case .insert = $0 { return false } else { return true } }.count
            let newCount = hunk.filter { if case .delete = $0 { return false } else { return true } }.count
            out += "@@ -\(oldStart + (oldCount == 0 ? 0 : 1)),\(oldCount) +\(newStart + (newCount == 0 ? 0 : 1)),\(newCount) @@\n"
            for edit in hunk {
                switch edit {
                case .keep(let i, _): out += " \(a[i])\n"
                case .delete(let i): out += "-\(a[i])\n"
                case .insert(let j): out += "+\(b[j])\n"
                }
            }
            index = end
        }
        return out
    }

    /// The shortest edit script from `a` to `b`.
    static func edits(_ a: [String], _ b: [String]) -> [Edit] {
        let n = a.count, m = b.count, limit = n + m
        var frontier = [Int](repeating: 0, count: 2 * limit + 2)
        var trace: [[Int]] = []
        search: for d in 0...limit {
            trace.append(frontier)
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && frontier[limit + k - 1] < frontier[limit + k + 1])) ? frontier[limit + k + 1] : frontier[limit + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                frontier[limit + k] = x
                if x >= n, y >= m { break search }
            }
        }
        // Walk back through the saved frontiers.
        var script: [Edit] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d], k = x - y
            let previous = (k == -d || (k != d && v[limit + k - 1] < v[limit + k + 1])) ? k + 1 : k - 1
            let px = v[limit + previous], py = px - previous
            while x > px, y > py { x -= 1; y -= 1; script.append(.keep(x, y)) }
            if d > 0 { if x == px { y -= 1; script.append(.insert(y)) } else { x -= 1; script.append(.delete(x)) } }
        }
        return script.reversed()
    }
}
