/// Compiler-style text: `file:line:col: severity: message [rule]`, then indented notes and the fix.
public enum TextFormatter {
    public static func format(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        for d in diagnostics {
            out += "\(d.file):\(d.mark.line):\(d.mark.column): \(d.severity.rawValue): \(d.message) [\(d.rule)]\n"
            for note in d.notes {
                if let mark = note.mark {
                    out += "    \(d.file):\(mark.line):\(mark.column): note: \(note.message)\n"
                } else {
                    out += "    note: \(note.message)\n"
                }
            }
            if let fix = d.fix {
                out += "    fix: \(fix)\n"
            }
        }
        return out
    }

    public static func summary(_ diagnostics: [Diagnostic]) -> String {
        let e = diagnostics.errorCount, w = diagnostics.warningCount
        return "\(e) error\(e == 1 ? "" : "s"), \(w) warning\(w == 1 ? "" : "s")"
    }
}
